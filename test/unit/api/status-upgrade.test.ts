import { describe, expect, it } from 'vitest';
import { upgradeStatus } from '../../../src/api/status-upgrade.js';
import type { ReleaseStatus } from '../../../src/api/types.js';

const rollout = {
  revision: 'app:12',
  fromRevision: 'app:11',
  colour: 'green' as const,
  generation: 3,
  startedAt: '2026-03-02T09:00:00.000Z',
  stepIndex: 5,
  stepStartedAt: '2026-03-02T09:20:00.000Z',
  stepReachedAt: '2026-03-02T09:20:00.000Z',
  result: null,
  trafficChangeId: null,
  trafficInSyncAt: null,
  fast: false,
};

/** A status as an earlier keelson wrote it: a finished rollout stayed on `rollout` with completedAt set. */
function written(fields: Record<string, unknown>): ReleaseStatus {
  return { phase: 'Healthy', stableRevision: 'app:12', stableColour: 'green', rollout: { ...rollout, ...fields } } as ReleaseStatus;
}

describe('upgradeStatus: statuses written in the earlier shape', () => {
  it('turns a finished rollout into the warm colour it kept, with no rollout in flight', () => {
    const old = written({ completedAt: '2026-03-02T09:37:00.000Z', scaleDownAt: '2026-03-03T09:37:00.000Z' });
    expect(upgradeStatus(old)).toEqual({
      phase: 'Healthy',
      stableRevision: 'app:12',
      stableColour: 'green',
      rollout: null,
      warmColour: { colour: 'blue', revision: 'app:11', scaleDownAt: '2026-03-03T09:37:00.000Z' },
    });
  });

  it('keeps a rollout in flight as it was, without the fields that no longer exist', () => {
    const old = written({ completedAt: null, scaleDownAt: null });
    expect(upgradeStatus(old).rollout).toEqual(rollout);
    expect(upgradeStatus(old).warmColour).toBeUndefined();
  });

  it('leaves a status of today\'s shape alone', () => {
    const today: ReleaseStatus = { phase: 'Healthy', rollout: null, warmColour: { colour: 'blue', revision: 'app:11', scaleDownAt: '2026-03-03T09:37:00.000Z' } };
    expect(upgradeStatus(today)).toBe(today);
  });
});
