// Whose AWS calls go first when the call budget is short: a pass that moves or guards a rollout,
// reverts, aborts, applies an operation or takes up a changed spec is a `rollout` pass; a
// steady-state resync of a settled Release may wait.
import type { ReleaseStatus } from '../../src/api/types.js';
import type { CallPriority } from '../../src/cloud/ports.js';

export function callPriority(previous: ReleaseStatus, generation: number, pendingOperations: number): CallPriority {
  if (previous.rollout) return 'rollout';
  if (pendingOperations > 0) return 'rollout';
  if (previous.observedGeneration !== generation) return 'rollout';
  if (previous.phase === 'Progressing' || previous.phase === 'Paused' || previous.phase === 'Pending') return 'rollout';
  return 'steady';
}
