import { describe, expect, it } from 'vitest';
import type { MetricCheck } from '../../../src/api/types.js';
import { CloudError } from '../../../src/cloud/errors.js';
import type { AlarmInfo, MetricDataQuery, MetricDataResult, MetricsPort } from '../../../src/cloud/ports.js';
import type { MeasureTarget } from '../../../src/health/measurement.js';
import { measureMetrics } from '../../../src/health/metric.js';

const NOW = Date.parse('2026-01-01T12:00:30Z');
const MIN = 60_000;
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const ALB = `${ARN}:loadbalancer/app/rastup-alb/6d0ecf831eec9f09`;
const TARGET: MeasureTarget = {
  cluster: 'rastup-prod',
  canary: { service: 'rastup-api-green', targetGroupArn: `${ARN}:targetgroup/rastup-api-green/8796a5b4c3d2e1f0`, loadBalancerArn: ALB },
  baseline: { service: 'rastup-api-blue', targetGroupArn: `${ARN}:targetgroup/rastup-api-blue/0f1e2d3c4b5a6978`, loadBalancerArn: ALB },
};
const GREEN = { TargetGroup: 'targetgroup/rastup-api-green/8796a5b4c3d2e1f0', LoadBalancer: 'app/rastup-alb/6d0ecf831eec9f09' };
const BLUE = { TargetGroup: 'targetgroup/rastup-api-blue/0f1e2d3c4b5a6978', LoadBalancer: 'app/rastup-alb/6d0ecf831eec9f09' };

/** Two one-minute periods inside the reach of a query; P2 is the newest published. */
const P1 = Date.parse('2026-01-01T11:59:00Z');
const P2 = Date.parse('2026-01-01T12:00:00Z');
/** Default reach back from now: two one-minute periods and the default publication delay (3m). */
const REACH = 2 * MIN + 3 * MIN;

type Series = Record<string, [number, number][]>;

/** Answers GetMetricData from a table of series by query id and records every call. */
class MetricTable implements MetricsPort {
  readonly calls: { queries: MetricDataQuery[]; range: { start: number; end: number } }[] = [];
  constructor(private readonly series: Series | Error) {}
  async getMetricData(queries: readonly MetricDataQuery[], range: { start: number; end: number }): Promise<MetricDataResult[]> {
    this.calls.push({ queries: [...queries], range });
    if (this.series instanceof Error) throw this.series;
    const series = this.series;
    return queries
      .filter((q) => q.returnData !== false)
      .map((q) => {
        const points = [...(series[q.id] ?? [])].sort((a, b) => b[0] - a[0]);
        return { id: q.id, timestamps: points.map((p) => p[0]), values: points.map((p) => p[1]) };
      });
  }
  async describeAlarms(_names: readonly string[]): Promise<AlarmInfo[]> {
    throw new Error('not used by metric conditions');
  }
}

const condition = (check: MetricCheck, index = 0, name = 'm') => ({ index, name, check });

describe('metric condition: errorRate', () => {
  it('sends 5XX and request Sums and the 100*m1/m2 expression for the new colour, reaching back past the publication delay', async () => {
    const metrics = new MetricTable({ c2_m2: [[P1, 600], [P2, 400]], c2_e1: [[P1, 3.25], [P2, 7.3]] });
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 }, 2, 'errors')], TARGET, metrics, NOW);
    expect(metrics.calls).toEqual([
      {
        range: { start: NOW - REACH, end: NOW },
        queries: [
          {
            id: 'c2_m1',
            metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: GREEN, stat: 'Sum', period: 60 },
            returnData: false,
          },
          {
            id: 'c2_m2',
            metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: GREEN, stat: 'Sum', period: 60 },
            returnData: true,
          },
          { id: 'c2_e1', expression: '100*c2_m1/c2_m2', returnData: true },
        ],
      },
    ]);
    // The newest published period judges: 7.3% of its 400 requests; the bad streak starts there.
    expect(m).toEqual({ name: 'errors', outcome: 'fail', value: 7.3, threshold: '≤ 5%', message: '7.3% > 5%', at: NOW, badSince: P2, dataFrom: P2 });
  });

  it('reads a period with requests but no 5XX datapoint as 0% errors', async () => {
    const metrics = new MetricTable({ c0_m2: [[P1, 500], [P2, 500]], c0_e1: [[P1, 1]] });
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 })], TARGET, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'pass', value: 0, message: '0% ≤ 5%', dataFrom: P2 });
  });

  it.each<[string, Series, string]>([
    ['no requests', {}, 'no requests in the last 1m'],
    ['too few requests to judge', { c0_m2: [[P2, 4]], c0_e1: [[P2, 50]] }, 'only 4 requests in the last 1m (need 10)'],
  ])('is nodata with %s', async (_case, series, message) => {
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 })], TARGET, new MetricTable(series), NOW);
    expect(m).toMatchObject({ outcome: 'nodata', value: null, message });
  });

  it('rounds the period up to whole minutes and reaches back two periods and the publication delay', async () => {
    const metrics = new MetricTable({});
    await measureMetrics([condition({ builtin: 'errorRate', max: 5, window: '90s' })], TARGET, metrics, NOW);
    expect(metrics.calls[0]?.range).toEqual({ start: NOW - 2 * 120_000 - 3 * MIN, end: NOW });
    expect(metrics.calls[0]?.queries.map((q) => q.metricStat?.period)).toEqual([120, 120, undefined]);
  });
});

describe('metric condition: latency', () => {
  it('queries TargetResponseTime p99 with request counts and reports the newest period in milliseconds', async () => {
    const metrics = new MetricTable({ c0_m1: [[P1, 0.5], [P2, 0.275]], c0_m2: [[P1, 300], [P2, 100]] });
    const [m] = await measureMetrics([condition({ builtin: 'latencyP99', max: '250ms' }, 0, 'p99')], TARGET, metrics, NOW);
    expect(metrics.calls[0]?.queries).toEqual([
      {
        id: 'c0_m1',
        metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: GREEN, stat: 'p99', period: 60 },
        returnData: true,
      },
      {
        id: 'c0_m2',
        metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: GREEN, stat: 'Sum', period: 60 },
        returnData: true,
      },
    ]);
    expect(m).toMatchObject({ outcome: 'fail', value: 275, threshold: '≤ 250ms', message: '275ms > 250ms' });
  });

  it('reads a threshold written in seconds as milliseconds: a healthy 120ms p95 passes max 0.4s, a 1.2s p95 fails max 1s', async () => {
    const healthy = new MetricTable({ c0_m1: [[P2, 0.12]], c0_m2: [[P2, 100]] });
    const [ok] = await measureMetrics([condition({ builtin: 'latencyP95', max: '0.4s' }, 0, 'p95')], TARGET, healthy, NOW);
    expect(ok).toMatchObject({ outcome: 'pass', value: 120, threshold: '≤ 400ms', message: '120ms ≤ 400ms' });
    const slow = new MetricTable({ c0_m1: [[P2, 1.2]], c0_m2: [[P2, 100]] });
    const [bad] = await measureMetrics([condition({ builtin: 'latencyP95', max: '1s', maxIncrease: '50ms' }, 0, 'p95')], TARGET, slow, NOW);
    expect(bad).toMatchObject({ outcome: 'fail', value: 1200, threshold: '≤ 1000ms, ≤ baseline +50ms', message: '1200ms > 1000ms' });
  });

  it('reads an error rate written as a percent', async () => {
    const metrics = new MetricTable({ c0_m2: [[P2, 100]], c0_e1: [[P2, 7]] });
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: '5%' }, 0, 'errors')], TARGET, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'fail', value: 7, threshold: '≤ 5%', message: '7% > 5%' });
  });
});

describe('metric condition: relative to the stable colour', () => {
  it('queries the stable colour with the same window and fails on a p95 more than 25% worse', async () => {
    const metrics = new MetricTable({
      c1_m1: [[P2, 0.412]],
      c1_m2: [[P2, 200]],
      b1_m1: [[P2, 0.3]],
      b1_m2: [[P2, 1800]],
    });
    const [m] = await measureMetrics([condition({ builtin: 'latencyP95', maxIncreasePercent: 25 }, 1, 'latency-vs-baseline')], TARGET, metrics, NOW);
    expect(metrics.calls).toHaveLength(1);
    const baselineQueries = metrics.calls[0]?.queries.filter((q) => q.id.startsWith('b1_'));
    expect(baselineQueries?.map((q) => [q.id, q.metricStat?.metricName, q.metricStat?.stat, q.metricStat?.dimensions])).toEqual([
      ['b1_m1', 'TargetResponseTime', 'p95', BLUE],
      ['b1_m2', 'RequestCount', 'Sum', BLUE],
    ]);
    expect(m).toMatchObject({
      outcome: 'fail',
      value: 412,
      threshold: '≤ baseline +25%',
      message: '412ms is +37.33% vs baseline 300ms (max +25%)',
    });
  });

  it('judges maxIncrease in points of error rate', async () => {
    const series: Series = { c0_m2: [[P2, 1000]], c0_e1: [[P2, 0.6]], b0_m2: [[P2, 9000]], b0_e1: [[P2, 0.2]] };
    const [ok] = await measureMetrics([condition({ builtin: 'errorRate', maxIncrease: 0.5 })], TARGET, new MetricTable(series), NOW);
    const [bad] = await measureMetrics([condition({ builtin: 'errorRate', maxIncrease: 0.5 })], TARGET, new MetricTable({ ...series, c0_e1: [[P2, 1.2]] }), NOW);
    expect(ok).toMatchObject({ outcome: 'pass', message: '0.6% is +0.4 points vs baseline 0.2% (max +0.5 points)' });
    expect(bad).toMatchObject({ outcome: 'fail', message: '1.2% is +1 points vs baseline 0.2% (max +0.5 points)' });
  });

  it('fails any increase over a zero baseline in percent, and passes zero against zero', async () => {
    const check = condition({ builtin: 'errorRate', maxIncreasePercent: 50 });
    const base: Series = { c0_m2: [[P2, 100]], b0_m2: [[P2, 900]] };
    const [zero] = await measureMetrics([check], TARGET, new MetricTable(base), NOW);
    const [some] = await measureMetrics([check], TARGET, new MetricTable({ ...base, c0_e1: [[P2, 1]] }), NOW);
    expect(zero?.outcome).toBe('pass');
    expect(some).toMatchObject({ outcome: 'fail', message: '1% against a baseline of 0% (max +50%)' });
  });

  it('is nodata when the stable colour has no data, keeping the new colour value', async () => {
    const metrics = new MetricTable({ c0_m1: [[P2, 0.2]], c0_m2: [[P2, 100]] });
    const [m] = await measureMetrics([condition({ builtin: 'latencyP95', maxIncreasePercent: 25 })], TARGET, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'nodata', value: 200, message: 'baseline: no requests in the last 1m' });
  });

  it('still fails on an absolute threshold when the baseline cannot be judged', async () => {
    const metrics = new MetricTable({ c0_m1: [[P2, 2]], c0_m2: [[P2, 100]] });
    const [m] = await measureMetrics([condition({ builtin: 'latencyP95', max: '1s', maxIncreasePercent: 25 })], TARGET, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'fail', message: '2000ms > 1000ms' });
  });

  it('is nodata for a rolling Release, which has no stable colour to compare with', async () => {
    const rolling: MeasureTarget = { cluster: 'c', canary: TARGET.canary };
    const metrics = new MetricTable({ c0_m1: [[P2, 0.2]], c0_m2: [[P2, 100]] });
    const [m] = await measureMetrics([condition({ builtin: 'latencyP95', maxIncreasePercent: 25 })], rolling, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'nodata', message: 'baseline: no stable colour to compare with' });
    expect(metrics.calls[0]?.queries.every((q) => q.id.startsWith('c0_'))).toBe(true);
  });
});

describe('metric condition: raw CloudWatch queries', () => {
  const raw: MetricCheck = {
    cloudwatch: {
      queries: [
        { id: 'errors', metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_4XX_Count', dimensions: { TargetGroup: '${targetGroup}', LoadBalancer: '${loadBalancer}' }, stat: 'Sum' } },
        { id: 'requests', metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { TargetGroup: '${targetGroup}' }, stat: 'Sum' } },
        { id: 'rate', expression: "100*errors/requests + 0*SUM(SEARCH('errors requests', 'Sum', 60))" },
      ],
    },
    maxIncrease: 2,
    window: '2m',
  };

  it('resolves placeholders for each colour, prefixes ids in expressions but not in quoted strings', async () => {
    const metrics = new MetricTable({ c4_rate: [[P1, 9], [P2, 4]], b4_rate: [[P1, 1], [P2, 1]] });
    const [m] = await measureMetrics([condition(raw, 4, '4xx')], TARGET, metrics, NOW);
    expect(metrics.calls[0]?.range).toEqual({ start: NOW - 2 * 2 * MIN - 3 * MIN, end: NOW });
    expect(metrics.calls[0]?.queries).toEqual([
      {
        id: 'c4_errors',
        returnData: false,
        metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_4XX_Count', dimensions: GREEN, stat: 'Sum', period: 120 },
      },
      {
        id: 'c4_requests',
        returnData: false,
        metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { TargetGroup: GREEN.TargetGroup }, stat: 'Sum', period: 120 },
      },
      { id: 'c4_rate', returnData: true, expression: "100*c4_errors/c4_requests + 0*SUM(SEARCH('errors requests', 'Sum', 60))" },
      {
        id: 'b4_errors',
        returnData: false,
        metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_4XX_Count', dimensions: BLUE, stat: 'Sum', period: 120 },
      },
      {
        id: 'b4_requests',
        returnData: false,
        metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { TargetGroup: BLUE.TargetGroup }, stat: 'Sum', period: 120 },
      },
      { id: 'b4_rate', returnData: true, expression: "100*b4_errors/b4_requests + 0*SUM(SEARCH('errors requests', 'Sum', 60))" },
    ]);
    // the newest period, 4, vs baseline 1: +3 > +2
    expect(m).toMatchObject({ outcome: 'fail', value: 4, message: '4 is +3 vs baseline 1 (max +2)' });
  });

  it('takes the query marked returnData as the value', async () => {
    const check: MetricCheck = {
      cloudwatch: { queries: [{ id: 'cpu', metricStat: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', stat: 'Average' }, returnData: true }, { id: 'x', expression: 'cpu*2' }] },
      max: 80,
    };
    const metrics = new MetricTable({ c0_cpu: [[P2, 91]] });
    const [m] = await measureMetrics([condition(check)], TARGET, metrics, NOW);
    expect(metrics.calls[0]?.queries.map((q) => [q.id, q.returnData])).toEqual([['c0_cpu', true], ['c0_x', false]]);
    expect(m).toMatchObject({ outcome: 'fail', value: 91, message: '91 > 80' });
  });

  it('is nodata when a placeholder cannot be resolved for the colour', async () => {
    const noLb: MeasureTarget = { cluster: 'c', canary: { service: 's', targetGroupArn: TARGET.canary.targetGroupArn } };
    const [m] = await measureMetrics([condition({ ...raw, maxIncrease: undefined, max: 5 })], noLb, new MetricTable({}), NOW);
    expect(m).toMatchObject({ outcome: 'nodata', message: 'the new colour has no load balancer' });
  });
});

describe('metric conditions together', () => {
  it('sends every condition of a window in one call and answers in condition order', async () => {
    const metrics = new MetricTable({ c0_m2: [[P2, 100]], c0_e1: [[P2, 1]], c1_m1: [[P2, 0.1]], c1_m2: [[P2, 100]] });
    const results = await measureMetrics(
      [condition({ builtin: 'errorRate', max: 5 }, 0, 'errors'), condition({ builtin: 'latencyP95', max: '200ms' }, 1, 'latency')],
      TARGET,
      metrics,
      NOW,
    );
    expect(metrics.calls).toHaveLength(1);
    expect(results.map((m) => [m.name, m.outcome, m.value])).toEqual([
      ['errors', 'pass', 1],
      ['latency', 'pass', 100],
    ]);
  });

  it('makes one call per distinct reach (window and publication delay)', async () => {
    const metrics = new MetricTable({});
    await measureMetrics(
      [
        condition({ builtin: 'errorRate', max: 5 }, 0),
        condition({ builtin: 'errorRate', max: 5, window: '5m' }, 1),
        condition({ builtin: 'latencyP95', max: '1s', publicationDelay: '0s' }, 2),
        condition({ builtin: 'latencyP99', max: '1s', publicationDelay: '3m' }, 3),
      ],
      TARGET,
      metrics,
      NOW,
    );
    expect(metrics.calls.map((c) => [c.range.start, c.queries.map((q) => q.id.split('_')[0])])).toEqual([
      [NOW - REACH, ['c0', 'c0', 'c0', 'c3', 'c3']],
      [NOW - 10 * MIN - 3 * MIN, ['c1', 'c1', 'c1']],
      [NOW - 2 * MIN, ['c2', 'c2']],
    ]);
  });

  it('judges the newest published period, however far back the publication delay put it', async () => {
    // Nothing published for the last three minutes: the minute before them still judges.
    const old = NOW - 30_000 - 4 * MIN;
    const metrics = new MetricTable({ c0_m2: [[old - MIN, 500], [old, 500]], c0_e1: [[old - MIN, 1], [old, 9]] });
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 })], TARGET, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'fail', value: 9, dataFrom: old, badSince: old });
  });

  it('is nodata for every condition when the call fails, with the error', async () => {
    const metrics = new MetricTable(new CloudError('Throttled', 'Rate exceeded'));
    const results = await measureMetrics([condition({ builtin: 'errorRate', max: 5 }, 0), condition({ builtin: 'latencyP95', max: '5ms' }, 1)], TARGET, metrics, NOW);
    expect(results.map((m) => [m.outcome, m.message])).toEqual([
      ['nodata', 'could not get metric data: Rate exceeded'],
      ['nodata', 'could not get metric data: Rate exceeded'],
    ]);
  });

  it('is nodata without a call when the new colour has no target group', async () => {
    const metrics = new MetricTable({});
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 })], { cluster: 'c', canary: { service: 's' } }, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'nodata', message: 'the new colour has no target group' });
    expect(metrics.calls).toHaveLength(0);
  });
});

describe('metric condition: which data judges the new revision', () => {
  it('starts a bad streak at the first of the trailing bad periods, not at the check', async () => {
    const metrics = new MetricTable({ c0_m2: [[P1, 600], [P2, 400]], c0_e1: [[P1, 9], [P2, 12]] });
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 }, 0, 'errors')], TARGET, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'fail', badSince: P1 });
    const recovering = new MetricTable({ c0_m2: [[P1, 600], [P2, 400]], c0_e1: [[P1, 20], [P2, 1]] });
    const [r] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 }, 0, 'errors')], TARGET, recovering, NOW);
    // The newest period is fine: the condition passes, whatever came before.
    expect(r).toMatchObject({ outcome: 'pass', value: 1 });
    expect(r?.badSince).toBeUndefined();
  });

  it('ignores periods that began before the colour took this revision', async () => {
    const metrics = new MetricTable({ c0_m2: [[P1, 600], [P2, 400]], c0_e1: [[P1, 40], [P2, 1]] });
    const target: MeasureTarget = { ...TARGET, canary: { ...TARGET.canary, dataSince: P2 } };
    const [m] = await measureMetrics([condition({ builtin: 'errorRate', max: 5 }, 0, 'errors')], target, metrics, NOW);
    expect(m).toMatchObject({ outcome: 'pass', value: 1 });
  });

  it('compares with the baseline captured before the last shift once the stable colour takes no traffic', async () => {
    const metrics = new MetricTable({ c0_m2: [[P2, 400]], c0_m1: [[P2, 0.3]], b0_m2: [[P2, 400]], b0_m1: [[P2, 0.1]] });
    const check: MetricCheck = { builtin: 'latencyP95', maxIncreasePercent: 25 };
    const captured = new Map([['p95', { value: 140, at: P1 }]]);
    const [idle] = await measureMetrics([condition(check, 0, 'p95')], { ...TARGET, capturedBaselines: captured, baselineIdle: true }, metrics, NOW);
    expect(idle).toMatchObject({ outcome: 'fail', baseline: { value: 140, at: P1 } });
    expect(idle?.message).toContain('baseline captured before the last shift 140ms');
    const [live] = await measureMetrics([condition(check, 0, 'p95')], { ...TARGET, capturedBaselines: captured }, metrics, NOW);
    expect(live).toMatchObject({ outcome: 'fail', baseline: { value: 100, at: NOW } });
    const [none] = await measureMetrics([condition(check, 0, 'p95')], { ...TARGET, baselineIdle: true }, metrics, NOW);
    expect(none?.outcome).toBe('nodata');
  });
});
