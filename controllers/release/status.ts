// A Release's status: its first shape and its history. Conditions and reasons live in src/api/conditions.ts.
import { DEFAULTS } from '../../src/api/defaults.js';
import type { HistoryEntry, ReleaseStatus } from '../../src/api/types.js';

// Re-exported so the strategies keep one import for everything status.
export { conditionsForPhase, REASONS, removeCondition, setCondition, type Reason } from '../../src/api/conditions.js';

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

export function appendHistory(history: readonly HistoryEntry[] | undefined, entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...(history ?? [])].slice(0, DEFAULTS.historyLimit);
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (isoTime: string | null | undefined): number => (isoTime ? Date.parse(isoTime) : NaN);
