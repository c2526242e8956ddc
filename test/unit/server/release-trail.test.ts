import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { ReleaseTrail, thresholdLimit } from '../../../src/server/release-trail.js';

const at = (step: number, green: number, errors = 0): ReleaseStatus => ({
  phase: 'Progressing',
  currentStepIndex: step,
  weights: { blue: 100 - green, green },
  health: [{ name: 'errors', state: 'Passing', value: errors, threshold: '<= 5%', since: '2026-03-01T12:00:00Z' }],
});

describe('a Release trail', () => {
  it('keeps step, weights and each condition with its threshold as a number', () => {
    const trail = new ReleaseTrail();
    trail.record('web', at(1, 10, 0.5), 1_000);
    expect(trail.samples('web')).toEqual([{ t: 1_000, phase: 'Progressing', step: 1, weights: { blue: 90, green: 10 }, health: [{ name: 'errors', state: 'Passing', value: 0.5, threshold: '<= 5%', limit: 5 }] }]);
  });

  it('samples a status with nothing new but health values at most once per interval, and a change at once', () => {
    const trail = new ReleaseTrail({ samples: 100, releases: 10, minIntervalMs: 5_000 });
    trail.record('web', at(1, 10, 1), 0);
    trail.record('web', at(1, 10, 2), 1_000);
    trail.record('web', at(2, 50, 2), 2_000);
    trail.record('web', at(2, 50, 3), 7_500);
    expect(trail.samples('web').map((s) => s.t)).toEqual([0, 2_000, 7_500]);
  });

  it('keeps at most `samples` per Release and `releases` Releases, dropping the least recently written', () => {
    const trail = new ReleaseTrail({ samples: 3, releases: 2, minIntervalMs: 0 });
    for (let i = 0; i < 5; i++) trail.record('a', at(i, i), i);
    trail.record('b', at(0, 0), 10);
    trail.record('a', at(9, 9), 11);
    trail.record('c', at(0, 0), 12);
    expect(trail.samples('a').map((s) => s.step)).toEqual([3, 4, 9]);
    expect(trail.samples('b')).toEqual([]);
    expect(trail.size).toBe(2);
  });

  it('keeps only the first and the last of a run of equal samples', () => {
    const trail = new ReleaseTrail({ samples: 100, releases: 10, minIntervalMs: 0 });
    for (let t = 0; t < 10; t++) trail.record('web', at(2, 50, 1), t * 1_000);
    trail.record('web', at(2, 50, 4), 10_000);
    expect(trail.samples('web').map((s) => [s.t, s.health[0]?.value])).toEqual([[0, 1], [9_000, 1], [10_000, 4]]);
  });

  it('forgets a Release whose status is deleted', () => {
    const trail = new ReleaseTrail();
    trail.record('web', at(0, 0), 0);
    trail.record('web', undefined, 1);
    expect(trail.samples('web')).toEqual([]);
  });

  it('reads the number of a threshold', () => {
    expect(thresholdLimit('< 1 tasks stopped with errors')).toBe(1);
    expect(thresholdLimit('<= 0.02')).toBe(0.02);
    expect(thresholdLimit('OK')).toBeNull();
    expect(thresholdLimit(undefined)).toBeNull();
  });
});
