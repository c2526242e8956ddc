import { describe, expect, it } from 'vitest';
import type { ReleaseStatus, StatusCondition } from '../../../src/api/types.js';
import { failureLines, rehearsalFailures } from '../../../src/cli/rehearse-verdict.js';

const AT = '2026-03-02T09:43:15.000Z';
const healthy: ReleaseStatus = { phase: 'Healthy', stableRevision: 'web:42', desiredRevision: 'web:42', blockedRevision: null, message: 'web:42 is stable' };
const reverted: ReleaseStatus = {
  phase: 'Degraded',
  stableRevision: 'aep:12',
  desiredRevision: 'aep:13',
  blockedRevision: 'aep:13',
  message: 'aep:13 is blocked',
  history: [{ revision: 'aep:13', result: 'Reverted', reason: 'errors: 31% > 5% for 1m', startedAt: AT, finishedAt: AT }],
};
// The Stalled condition type is compared as text, so a status carrying it is built loosely.
const stalledCondition = { type: 'Stalled', status: 'True', reason: 'AccessDenied', message: 'ecs:UpdateService denied', lastTransitionTime: AT } as unknown as StatusCondition;

const run = (statuses: Record<string, ReleaseStatus | null>) => rehearsalFailures(Object.entries(statuses).map(([name, status]) => ({ name, status })));

describe('whether a rehearsal passes', () => {
  it('passes when every Release ends stable and healthy, or is still progressing', () => {
    expect(run({ web: healthy, api: { phase: 'Progressing', message: 'step 2/5' }, none: null })).toEqual([]);
  });

  it('fails on a reverted Release, saying which and why', () => {
    expect(run({ web: healthy, aep: reverted })).toEqual([{ release: 'aep', why: 'Degraded, aep:13 reverted: errors: 31% > 5% for 1m' }]);
  });

  it('fails on an aborted, a blocked, a stalled and an invalid Release', () => {
    const failures = run({
      aborted: { phase: 'Aborted', message: 'aborted by @alice' },
      blocked: { ...healthy, blockedRevision: 'web:43' },
      stalled: { ...healthy, conditions: [stalledCondition] },
      invalid: { phase: 'Invalid', message: 'spec.replicas: must be at least 0' },
      quiet: { ...healthy, conditions: [{ ...stalledCondition, status: 'False' }] },
    });
    expect(failures).toEqual([
      { release: 'aborted', why: 'Aborted: aborted by @alice' },
      { release: 'blocked', why: 'Healthy, web:43 blocked: web:42 is stable' },
      { release: 'stalled', why: 'Healthy, stalled (AccessDenied): ecs:UpdateService denied' },
      { release: 'invalid', why: 'Invalid: spec.replicas: must be at least 0' },
    ]);
  });

  it('prints one line per failed Release under a headline', () => {
    expect(failureLines(run({ aep: reverted }))).toEqual([
      'keelson rehearse: 1 Release did not end stable and healthy:',
      '  aep: Degraded, aep:13 reverted: errors: 31% > 5% for 1m',
    ]);
    expect(failureLines([])).toEqual([]);
  });
});
