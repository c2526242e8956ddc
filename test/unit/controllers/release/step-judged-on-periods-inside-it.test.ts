// Found by the chaos trials (seed 78): a rolling bake passed on a CloudWatch minute that began
// before the bake (a 1m window checked at 09:03:52 reads 09:02:00–09:03:00), so a revision that
// turned bad just before it was promoted on a diluted error rate. A metric covers a step only
// with data that starts inside it: the oldest period it judged (`dataFrom`), not the window
// measured back from the check.
import { describe, expect, it } from 'vitest';
import type { ConditionHealth } from '../../../../src/api/types.js';
import { Draft } from '../../../../controllers/release/draft.js';
import { judgeStep } from '../../../../controllers/release/health-status.js';
import type { Observation } from '../../../../controllers/release/observation.js';
import { canaryRelease } from './plan-fixtures.js';

const at = (t: string): number => Date.parse(`2026-03-02T${t}Z`);

function judgedAt(checkedAt: string, dataFrom: string): ReturnType<typeof judgeStep> {
  const release = canaryRelease();
  const health: ConditionHealth[] = [
    { name: 'errors', state: 'Passing', value: 3.78, threshold: '≤ 5%', message: '3.78% ≤ 5%', since: '2026-03-02T09:00:00.000Z', badSince: null, checkedAt: new Date(at(checkedAt)).toISOString(), dataFrom: new Date(at(dataFrom)).toISOString() },
  ];
  const draft = new Draft({ release, generation: 1, status: { phase: 'Progressing', health }, observed: {} as Observation, health: [], operations: [], now: at(checkedAt) });
  return judgeStep(draft, ['errors'], at('09:02:52.537'), true);
}

describe('a step judged on a metric', () => {
  it('has no data while the newest whole minute began before the step, even when the window measured back from the check lies inside it', () => {
    const early = judgedAt('09:03:52.537', '09:02:00');
    expect(early.pass).toBe(false);
    expect(early).toMatchObject({ noData: ['errors'] });
  });

  it('passes on the first minute that starts inside the step', () => {
    expect(judgedAt('09:05:10', '09:03:00').pass).toBe(true);
  });
});
