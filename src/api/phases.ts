import type { Phase } from './types.js';

// A record, so that the compiler says so when a phase is added to the type and not here.
const EVERY_PHASE: Record<Phase, true> = {
  Pending: true,
  Progressing: true,
  Paused: true,
  Healthy: true,
  Degraded: true,
  Aborted: true,
  Stalled: true,
  Invalid: true,
  Orphaned: true,
};

/** Every phase a Release can be in, in the order the schema lists them. */
export const PHASES = Object.keys(EVERY_PHASE) as readonly Phase[];

export function isPhase(word: string): word is Phase {
  return Object.prototype.hasOwnProperty.call(EVERY_PHASE, word);
}
