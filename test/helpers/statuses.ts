import type { ReleaseStatus } from '../../src/api/types.js';

export function status(phase: ReleaseStatus['phase'], extra: Partial<ReleaseStatus> = {}): ReleaseStatus {
  return { phase, observedGeneration: 1, message: `${phase} status`, conditions: [], ...extra };
}
