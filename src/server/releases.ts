// What the HTTP API shows of a Release: a one-line summary for the list, the full status for one.
import type { Phase, ReleaseStatus } from '../api/types.js';
import type { OperationRequest } from '../store/store.js';

export interface ReleaseSummary {
  name: string;
  phase: Phase;
  message: string | null;
  /** Index of the current step of the rollout, null when none is under way. */
  step: number | null;
  weights: { blue: number; green: number } | null;
  stableRevision: string | null;
  desiredRevision: string | null;
  blockedRevision: string | null;
  observedGeneration: number | null;
  /** The most recent lastTransitionTime of the Release's conditions (ISO 8601). */
  lastTransitionTime: string | null;
  /** Seconds since lastTransitionTime: how long the Release has been as it is. */
  ageSeconds: number | null;
}

export interface ReleaseDetail {
  name: string;
  status: ReleaseStatus;
  /** Operations asked for and not yet applied by the reconciler, oldest first. */
  pendingOperations: OperationRequest[];
}

/** Status of a Release the controller holds but has not reconciled yet. */
export function notYetReconciled(): ReleaseStatus {
  return { phase: 'Pending', message: 'not reconciled yet' };
}

function lastTransition(status: ReleaseStatus): string | null {
  let latest: string | null = null;
  for (const c of status.conditions ?? []) if (latest === null || Date.parse(c.lastTransitionTime) > Date.parse(latest)) latest = c.lastTransitionTime;
  return latest;
}

export function summarize(name: string, status: ReleaseStatus, now: number): ReleaseSummary {
  const transition = lastTransition(status);
  return {
    name,
    phase: status.phase,
    message: status.message ?? null,
    step: status.currentStepIndex ?? null,
    weights: status.weights ?? null,
    stableRevision: status.stableRevision ?? null,
    desiredRevision: status.desiredRevision ?? null,
    blockedRevision: status.blockedRevision ?? null,
    observedGeneration: status.observedGeneration ?? null,
    lastTransitionTime: transition,
    ageSeconds: transition === null ? null : Math.max(0, Math.floor((now - Date.parse(transition)) / 1000)),
  };
}
