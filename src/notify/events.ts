import type { HealthState } from '../api/types.js';

export type RolloutEventType =
  | 'RolloutStarted'
  | 'StepReached'
  | 'Paused'
  | 'Promoted'
  | 'Reverted'
  | 'Aborted'
  | 'DriftCorrected';

/** What the reconciler tells people about: a notification, a log line, a metric. */
export interface RolloutEvent {
  type: RolloutEventType;
  release: string;
  at: number;
  cluster: string;
  services: string[];
  fromRevision?: string | null;
  toRevision?: string | null;
  step?: { index: number; total: number; description: string };
  weights?: { blue: number; green: number };
  health?: { name: string; state: HealthState; value?: number | null; threshold?: string }[];
  targets?: { healthy: number; total: number };
  rollbackTarget?: { revision: string; image?: string };
  reason?: string;
  sourceRevision?: string;
  by?: string;
  message: string;
}

export interface EventSink {
  /** Never throws, never blocks the reconcile. */
  emit(event: RolloutEvent): void;
}
