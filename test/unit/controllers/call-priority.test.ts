import { describe, expect, it } from 'vitest';
import { callPriority } from '../../../controllers/release/call-priority.js';
import type { ReleaseStatus } from '../../../src/api/types.js';

const settled: ReleaseStatus = { phase: 'Healthy', observedGeneration: 3, stableRevision: 'app:7', rollout: null };

describe('whose calls go first', () => {
  it('a settled Release at its observed generation, with no operation waiting, is a steady-state pass', () => {
    expect(callPriority(settled, 3, 0)).toBe('steady');
    expect(callPriority({ ...settled, phase: 'Degraded' }, 3, 0)).toBe('steady');
  });

  it('a rollout in flight, a revert winding back, a pending operation or a changed spec goes first', () => {
    const rollout = { revision: 'app:8', generation: 3, startedAt: 't', stepIndex: 1, stepStartedAt: 't' };
    expect(callPriority({ ...settled, phase: 'Progressing', rollout }, 3, 0)).toBe('rollout');
    expect(callPriority({ ...settled, phase: 'Degraded', rollout: { ...rollout, result: 'Reverted' } }, 3, 0)).toBe('rollout');
    expect(callPriority(settled, 3, 1)).toBe('rollout');
    expect(callPriority(settled, 4, 0)).toBe('rollout');
    expect(callPriority({ phase: 'Pending' }, 1, 0)).toBe('rollout');
  });
});
