// What the reconciler tells the outside world about a rollout. One event per moment a person
// would want to hear about; notifications, audit logs and the like are sinks of these events.

import type { HealthState, RevertEvidence } from '../api/types.js';

export const ROLLOUT_EVENT_TYPES = [
  'RolloutStarted',
  'StepReached',
  'Paused',
  'Promoted',
  'Reverted',
  'Aborted',
  'Superseded',
  'DriftCorrected',
  'PromotionWaiting',
  'PromotionMet',
  'PlaintextRefused',
  'WindowClosed',
  'WindowOpened',
  'JobStarted',
  'JobSucceeded',
  'JobFailed',
  'AwaitingApproval',
  'Approved',
  'ApprovalRefused',
] as const;

export type RolloutEventType = (typeof ROLLOUT_EVENT_TYPES)[number];

export interface RolloutEventHealth {
  name: string;
  state: HealthState;
  value?: number | null;
  /** As status shows it, e.g. `max 5` or `+25% over stable`. */
  threshold?: string;
}

export interface RolloutEvent {
  type: RolloutEventType;
  /** Release name. */
  release: string;
  /** Epoch milliseconds, from the controller's clock. */
  at: number;
  cluster: string;
  /** The ECS services the Release drives (one for rolling, blue and green otherwise). */
  services: string[];
  /** Labels of the Release, so that notification targets can choose Releases by label. */
  labels?: Record<string, string>;
  /** The revision that was serving before this rollout (the stable one). */
  fromRevision?: string | null;
  /** The revision being rolled out. On `Reverted` it is the revision that failed; on `Superseded` the one given up. */
  toRevision?: string | null;
  step?: { index: number; total: number; description: string };
  weights?: { blue: number; green: number };
  health?: RolloutEventHealth[];
  /** Healthy targets of the colour taking traffic. */
  targets?: { healthy: number; total: number };
  /** Where traffic goes (or went) back to if this rollout fails; image pinned by digest. */
  rollbackTarget?: { revision: string; image?: string };
  /** Why, in a sentence: the failed condition, the operation, the drift found. */
  reason?: string;
  /** Where the spec came from: `main@sha1:<hash>`, a DynamoDB item version. */
  sourceRevision?: string;
  /** Who or what triggered it: a person (`@alice`), `keelson` for automatic decisions. */
  by?: string;
  /** How `by` was authenticated, for an operation or approval someone asked for. */
  via?: 'token' | 'oidc' | 'local';
  /** The status message at that moment. */
  message: string;
  /** Job events: which job, where it runs, and how it ended. */
  job?: RolloutEventJob;
  /** Approval events: the gate, who counted so far, and how to approve. */
  approval?: { required: number; received: number; group?: string | null; approvers: string[]; howTo: string };
  /** Reverted: the failed condition, its value, threshold and times. */
  evidence?: RevertEvidence;
}

export interface RolloutEventJob {
  name: string;
  hook: 'preDeploy' | 'step' | 'postPromote';
  kind: 'job' | 'http';
  attempt: number;
  taskArn?: string | null;
  exitCode?: number | null;
  stoppedReason?: string;
  timedOut?: boolean;
  log?: { group: string; stream: string; region?: string };
}

/** Receives rollout events. `emit` is synchronous, never throws and never blocks the caller. */
export interface EventSink {
  emit(event: RolloutEvent): void;
}

export function isRolloutEventType(value: string): value is RolloutEventType {
  return (ROLLOUT_EVENT_TYPES as readonly string[]).includes(value);
}

/** Sends each event to every sink; one sink misbehaving does not stop the others. */
export function fanOut(sinks: EventSink[]): EventSink {
  return {
    emit(event) {
      for (const sink of sinks) {
        try {
          sink.emit(event);
        } catch {
          // A sink must not throw; if one does anyway, the reconciler still must not see it.
        }
      }
    },
  };
}
