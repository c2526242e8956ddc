// Conditions, reasons and history: every status string is defined here once.
import { DEFAULTS } from '../../src/api/defaults.js';
import type {
  ConditionStatus,
  ConditionType,
  HistoryEntry,
  Phase,
  ReleaseStatus,
  StatusCondition,
} from '../../src/api/types.js';

export const REASONS = {
  RolloutInProgress: 'RolloutInProgress',
  RolloutPaused: 'RolloutPaused',
  AnalysisInconclusive: 'AnalysisInconclusive',
  Baking: 'Baking',
  Promoted: 'Promoted',
  Stable: 'Stable',
  Reverted: 'Reverted',
  Reverting: 'Reverting',
  Aborted: 'Aborted',
  Blocked: 'RevisionBlocked',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ConditionFailing: 'ConditionFailing',
  ConditionsPassing: 'ConditionsPassing',
  NoData: 'NoData',
  DriftCorrected: 'DriftCorrected',
  NoDrift: 'NoDrift',
  ReadFailed: 'ReadFailed',
  ServiceMissing: 'ServiceMissing',
  InvalidSpec: 'InvalidSpec',
  SourceSynced: 'SourceSynced',
  SourceStale: 'SourceStale',
  RemovedFromSource: 'RemovedFromSource',
} as const;

export type Reason = (typeof REASONS)[keyof typeof REASONS];

export function initialStatus(): ReleaseStatus {
  return {
    phase: 'Pending',
    stableRevision: null,
    desiredRevision: null,
    blockedRevision: null,
    currentStepIndex: null,
    weights: null,
    stableColour: null,
    conditions: [],
    health: [],
    history: [],
    lastRevert: null,
    rollout: null,
    lastOperationSeq: 0,
  };
}

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

export function appendHistory(history: readonly HistoryEntry[] | undefined, entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...(history ?? [])].slice(0, DEFAULTS.historyLimit);
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (isoTime: string | null | undefined): number => (isoTime ? Date.parse(isoTime) : NaN);
