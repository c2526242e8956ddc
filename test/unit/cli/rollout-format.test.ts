import { describe, expect, it } from 'vitest';
import { manifestOf } from '../../../src/api/manifest.js';
import type { Release, ReleaseStatus } from '../../../src/api/types.js';
import { gateLines, stepLines } from '../../../src/cli/rollout-format.js';
import { stepLabel } from '../../../src/server/release-table.js';

const release = {
  apiVersion: 'keelson.dev/v1alpha1',
  kind: 'Release',
  metadata: { name: 'web' },
  spec: { strategy: { canary: { steps: [{ approval: { required: 2, group: 'leads' } }, { setWeight: 10 }, { pause: {} }] } } },
} as unknown as Release;

describe('steps for people', () => {
  it('numbers steps from 1 with their count; "?" when the count is not known; "-" with no rollout', () => {
    expect(stepLabel(0, 4)).toBe('1/4');
    expect(stepLabel(3, 4)).toBe('4/4');
    expect(stepLabel(1, null)).toBe('2/?');
    expect(stepLabel(null, 4)).toBe('-');
    // After the last step: the bake.
    expect(stepLabel(4, 4)).toBe('bake');
  });

  it('marks steps done, current and pending, with what the current one waits for; the implied 100% step is counted', () => {
    const status: ReleaseStatus = {
      phase: 'Progressing',
      currentStepIndex: 2,
      rollout: { revision: 'web:2', generation: 1, startedAt: '2026-03-01T10:00:00.000Z', stepIndex: 2, stepStartedAt: '2026-03-01T10:05:00.000Z', stepReachedAt: '2026-03-01T10:05:01.000Z' },
    };
    expect(stepLines(manifestOf(release), status)).toEqual([
      '  1/4    done     approval by 2 people from leads',
      '  2/4    done     setWeight 10%',
      '  3/4    current  pause until promoted: paused since 2026-03-01T10:05:01.000Z',
      '  4/4    pending  setWeight 100%',
    ]);
  });

  it('says when no rollout is under way, and when the spec is not known', () => {
    expect(stepLines(manifestOf(release), { phase: 'Healthy', currentStepIndex: null }).at(-1)).toBe('  (no rollout under way)');
    expect(stepLines(null, { phase: 'Healthy' })).toEqual(['  (the spec is not known: not in the sources, none kept in the state store)']);
  });

  it('lists the gates waiting: approvals with who approved so far, a closed window, jobs under way', () => {
    const status: ReleaseStatus = {
      phase: 'Progressing',
      approvals: { revision: 'web:2', granted: [{ by: 'alice', at: '2026-03-01T10:01:00.000Z' }], waiting: { required: 2, received: 1, group: 'leads', approvers: ['alice'] } },
      window: { state: 'closed', closedBy: 'freeze', message: 'release freeze', nextOpenAt: '2026-03-02T08:00:00.000Z', holding: true },
      jobs: [{ name: 'migrate', hook: 'preDeploy', kind: 'job', revision: 'web:2', attempt: 1, state: 'Running', startedAt: '2026-03-01T10:00:00.000Z' }],
    };
    expect(gateLines(status, 'web')).toEqual([
      '  approval: 1/2 from leads for web:2 (so far: alice); keelson approve web',
      '  window: closed (freeze): release freeze; opens 2026-03-02T08:00:00.000Z',
      '  job migrate (preDeploy, web:2): Running since 2026-03-01T10:00:00.000Z',
    ]);
    expect(gateLines({ phase: 'Healthy' }, 'web')).toEqual(['  (none)']);
  });
});
