import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/cloud/errors.js';
import type { ForwardRef, LoadBalancingPort, TargetGroupInfo, TargetGroupWeight, TargetHealth, WriteResult } from '../../../src/cloud/ports.js';
import { judgeTargetHealth, measureTargetHealth } from '../../../src/health/target-health.js';

const GREEN_TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-backend-green/2453ed029918f21f';

/** Target health from a table; the other load-balancing calls are not part of this check. */
class TargetTable implements LoadBalancingPort {
  readonly asked: string[] = [];
  constructor(private readonly targets: Record<string, TargetHealth[]>) {}
  async describeTargetHealth(arn: string): Promise<TargetHealth[]> {
    this.asked.push(arn);
    const found = this.targets[arn];
    if (!found) throw new CloudError('NotFound', `target group ${arn} not found`);
    return found;
  }
  async readWeights(_ref: ForwardRef): Promise<TargetGroupWeight[]> {
    throw new Error('not used by target health');
  }
  async setWeights(_ref: ForwardRef, _w: readonly TargetGroupWeight[]): Promise<WriteResult> {
    throw new Error('not used by target health');
  }
  async describeTargetGroups(_arns: readonly string[]): Promise<TargetGroupInfo[]> {
    throw new Error('not used by target health');
  }
}

const target = (id: string, state: TargetHealth['state'], reason?: string): TargetHealth => ({ id, port: 8080, state, reason });

describe('targetHealth condition', () => {
  it('passes with no unhealthy targets; the value is the unhealthy count', async () => {
    const lb = new TargetTable({ [GREEN_TG]: [target('10.0.0.1', 'healthy'), target('10.0.0.2', 'healthy')] });
    const [m] = await measureTargetHealth([{ name: 'targets', check: {} }], GREEN_TG, lb, 5);
    expect(m).toEqual({ name: 'targets', outcome: 'pass', value: 0, threshold: '≤ 0 unhealthy', message: '0 of 2 targets unhealthy', at: 5 });
  });

  it('fails above maxUnhealthy, naming the reasons', async () => {
    const lb = new TargetTable({
      [GREEN_TG]: [
        target('10.0.0.1', 'unhealthy', 'Target.FailedHealthChecks'),
        target('10.0.0.2', 'unhealthy', 'Target.Timeout'),
        target('10.0.0.3', 'healthy'),
      ],
    });
    const [strict, lenient] = await measureTargetHealth(
      [
        { name: 'targets', check: {} },
        { name: 'targets-lenient', check: { maxUnhealthy: 2 } },
      ],
      GREEN_TG,
      lb,
      0,
    );
    expect(strict).toMatchObject({
      outcome: 'fail',
      value: 2,
      message: '2 of 3 targets unhealthy (max 0): Target.FailedHealthChecks, Target.Timeout',
    });
    expect(lenient).toMatchObject({ outcome: 'pass', value: 2, threshold: '≤ 2 unhealthy' });
    expect(lb.asked).toEqual([GREEN_TG]);
  });

  it('does not count initial or draining targets as unhealthy', async () => {
    const lb = new TargetTable({
      [GREEN_TG]: [target('a', 'initial'), target('b', 'draining'), target('c', 'healthy')],
    });
    const [m] = await measureTargetHealth([{ name: 'targets', check: {} }], GREEN_TG, lb, 0);
    expect(m).toMatchObject({ outcome: 'pass', value: 0, message: '0 of 1 targets unhealthy' });
  });

  it.each<[string, TargetHealth[], string]>([
    ['no registered targets', [], 'no registered targets'],
    ['only targets still registering', [target('a', 'initial'), target('b', 'initial')], 'no targets in service yet (2 initial)'],
  ])('is nodata with %s', async (_case, targets, message) => {
    const [m] = await measureTargetHealth([{ name: 'targets', check: {} }], GREEN_TG, new TargetTable({ [GREEN_TG]: targets }), 0);
    expect(m).toMatchObject({ outcome: 'nodata', value: null, message });
  });

  it('is nodata when the colour has no target group or the call fails', async () => {
    const lb = new TargetTable({});
    const [noGroup] = await measureTargetHealth([{ name: 'targets', check: {} }], undefined, lb, 0);
    const [error] = await measureTargetHealth([{ name: 'targets', check: {} }], GREEN_TG, lb, 0);
    expect(noGroup).toMatchObject({ outcome: 'nodata', message: 'the new colour has no target group' });
    expect(error).toMatchObject({ outcome: 'nodata', message: expect.stringContaining('not found') });
  });
});

describe('targetHealth once the colour serves traffic', () => {
  const base = { name: 'targets', threshold: '≤ 0 unhealthy', at: 0 };
  const t = (id: string, state: TargetHealth['state']): TargetHealth => ({ id, port: 8080, state });

  it('counts targets missing from the expected number as unhealthy', () => {
    const m = judgeTargetHealth(base, { maxUnhealthy: 0 }, [t('a', 'draining'), t('b', 'initial')], 2);
    expect(m).toMatchObject({ outcome: 'fail', value: 2 });
    expect(m.message).toContain('0 of 2 expected targets healthy');
  });

  it('does not count targets added by a scale-out as missing while they start, but still counts replacements', () => {
    // Application Auto Scaling raised the desired count from 2 to 4: two new targets register.
    const scaledOut = [t('a', 'healthy'), t('b', 'healthy'), t('c', 'initial'), t('d', 'initial')];
    expect(judgeTargetHealth(base, { maxUnhealthy: 0 }, scaledOut, 4)).toMatchObject({ outcome: 'pass', value: 0 });
    // One of them replaces a task ECS stopped (its target drains): that one is missing.
    const replaced = [t('a', 'healthy'), t('b', 'draining'), t('c', 'initial'), t('d', 'initial')];
    expect(judgeTargetHealth(base, { maxUnhealthy: 0 }, replaced, 4)).toMatchObject({ outcome: 'fail', value: 2 });
  });

  it('passes when every expected target is healthy, and ignores the expectation when none is given', () => {
    expect(judgeTargetHealth(base, {}, [t('a', 'healthy'), t('b', 'healthy')], 2)).toMatchObject({ outcome: 'pass', value: 0 });
    expect(judgeTargetHealth(base, {}, [t('a', 'initial')]).outcome).toBe('nodata');
  });
});
