// Status conditions and their reasons: every reason a Release's status can carry is defined here
// once, and docs/release-api.md lists the same set (a test holds the two together).
import type { ConditionStatus, ConditionType, Phase, StatusCondition } from './types.js';

/** `Ready` says healthy; `Progressing`, `Paused` and `Drifted` appear only while true. */
export const CONDITION_TYPES = ['Ready', 'Progressing', 'Paused', 'SourceReady', 'Drifted', 'Reconciling', 'Stalled', 'ObservationIncomplete'] as const satisfies readonly ConditionType[];

export const REASONS = {
  RolloutInProgress: 'RolloutInProgress',
  RolloutPaused: 'RolloutPaused',
  /** An approval gate waits for people to approve the revision (`keelson approve`). */
  AwaitingApproval: 'AwaitingApproval',
  NoData: 'NoData',
  AnalysisInconclusive: 'AnalysisInconclusive',
  Promoted: 'Promoted',
  Stable: 'Stable',
  Reverted: 'Reverted',
  Aborted: 'Aborted',
  Blocked: 'RevisionBlocked',
  ConditionFailing: 'ConditionFailing',
  DriftCorrected: 'DriftCorrected',
  ServiceMissing: 'ServiceMissing',
  InvalidSpec: 'InvalidSpec',
  SourceSynced: 'SourceSynced',
  SourceStale: 'SourceStale',
  RemovedFromSource: 'RemovedFromSource',
  ReadFailed: 'ReadFailed',
  /** A rollout, or its start, waits for the deployment window (spec.schedule). */
  WindowClosed: 'WindowClosed',
  // Why a pass failed. Stalled (retrying cannot fix it; no AWS writes until it is fixed):
  AccessDenied: 'AccessDenied',
  ResourceNotFound: 'ResourceNotFound',
  RevisionNotFound: 'RevisionNotFound',
  InvalidRequest: 'InvalidRequest',
  /** Another Release already holds a service, listener, rule or record this one names. */
  Conflict: 'Conflict',
  /** A job (preDeploy, a job step, postPromote) or an http step is running; the rollout waits for it. */
  JobRunning: 'JobRunning',
  // Reconciling (retried after the queue's backoff):
  RetryingAfterError: 'RetryingAfterError',
  /** spec.promotion: the revision's digests are not yet proven in the other Release (or it cannot be read). */
  PromotionPending: 'PromotionPending',
  /** The revision's task definition holds plaintext secrets in `environment`: refused before any write. */
  PlaintextSecret: 'PlaintextSecret',
} as const;

export type Reason = (typeof REASONS)[keyof typeof REASONS];

/** Sets a condition; lastTransitionTime moves only when the status value changes. */
export function setCondition(
  conditions: readonly StatusCondition[],
  type: ConditionType,
  status: ConditionStatus,
  reason: Reason,
  message: string,
  now: number,
): StatusCondition[] {
  const existing = conditions.find((c) => c.type === type);
  const lastTransitionTime =
    existing && existing.status === status ? existing.lastTransitionTime : new Date(now).toISOString();
  const next: StatusCondition = { type, status, reason, message, lastTransitionTime };
  return [...conditions.filter((c) => c.type !== type), next].sort((a, b) => a.type.localeCompare(b.type));
}

/** Drops a condition: `Paused`, `Drifted` and the like appear only while true. */
export function removeCondition(conditions: readonly StatusCondition[], type: ConditionType): StatusCondition[] {
  return conditions.filter((c) => c.type !== type);
}

/** The Ready/Progressing/Paused conditions that follow from a phase. */
export function conditionsForPhase(
  conditions: readonly StatusCondition[],
  phase: Phase,
  reason: Reason,
  message: string,
  now: number,
): StatusCondition[] {
  const ready: ConditionStatus = phase === 'Healthy' ? 'True' : 'False';
  let next = setCondition(conditions, 'Ready', ready, reason, message, now);
  next =
    phase === 'Progressing' || phase === 'Paused'
      ? setCondition(next, 'Progressing', 'True', reason, message, now)
      : removeCondition(next, 'Progressing');
  next = phase === 'Paused' ? setCondition(next, 'Paused', 'True', reason, message, now) : removeCondition(next, 'Paused');
  return next;
}
