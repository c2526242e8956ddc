import { describe, expect, it } from 'vitest';
import type { ConditionHealth, HealthCondition } from '../../../src/api/types.js';
import { CloudError } from '../../../src/cloud/errors.js';
import type {
  AlarmInfo,
  ForwardRef,
  HttpProbePort,
  HttpProbeResult,
  LoadBalancingPort,
  MetricDataQuery,
  MetricDataResult,
  MetricsPort,
  TargetGroupInfo,
  TargetGroupWeight,
  TargetHealth,
  WriteResult,
} from '../../../src/cloud/ports.js';
import { assess, healthIntervalMs, measure, summarizeHealth, type HealthPorts, type MeasureTarget } from '../../../src/health/index.js';

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const ALB = `${ARN}:loadbalancer/app/aep-prod-alb/50dc6c495c0c9188`;
const GREEN_TG = `${ARN}:targetgroup/aep-backend-green/2453ed029918f21f`;
const BLUE_TG = `${ARN}:targetgroup/aep-backend-blue/73e2d6bc24d8a067`;
const T0 = Date.parse('2026-01-01T12:00:00Z');

/** A small world behind all three ports health reads from, counting every call. */
class World implements LoadBalancingPort, MetricsPort, HttpProbePort {
  calls: string[] = [];
  readyStatus = 200;
  errorRate = 0.5;
  alarmState: AlarmInfo['state'] = 'OK';
  failing = new Set<string>();

  async get(url: string): Promise<HttpProbeResult> {
    this.calls.push(`GET ${url}`);
    return { status: this.readyStatus, body: '{}', durationMs: 1 };
  }
  async describeTargetHealth(arn: string): Promise<TargetHealth[]> {
    this.calls.push(`describeTargetHealth ${arn}`);
    if (this.failing.has('lb')) throw new CloudError('Throttled', 'Rate exceeded');
    return [{ id: '10.0.0.1', port: 80, state: 'healthy' }];
  }
  async describeTargetGroups(arns: readonly string[]): Promise<TargetGroupInfo[]> {
    this.calls.push(`describeTargetGroups ${arns.join(',')}`);
    return arns.map((arn) => ({ arn, name: arn.split('/')[1] ?? '', loadBalancerArns: [ALB] }));
  }
  async getMetricData(queries: readonly MetricDataQuery[], range: { start: number; end: number }): Promise<MetricDataResult[]> {
    this.calls.push(`getMetricData ${queries.length}`);
    const minute = Math.floor(range.end / 60_000) * 60_000;
    return queries.flatMap((q) => {
      if (q.metricStat?.metricName === 'RequestCount') return [{ id: q.id, timestamps: [minute], values: [1000] }];
      if (q.expression) return [{ id: q.id, timestamps: [minute], values: [this.errorRate] }];
      if (q.metricStat?.metricName === 'TargetResponseTime') {
        const isGreen = q.metricStat.dimensions['TargetGroup']?.includes('green');
        if (q.metricStat.dimensions['LoadBalancer'] !== 'app/aep-prod-alb/50dc6c495c0c9188') return [];
        return [{ id: q.id, timestamps: [minute], values: [isGreen ? 0.33 : 0.3] }];
      }
      return [];
    });
  }
  async describeAlarms(names: readonly string[]): Promise<AlarmInfo[]> {
    this.calls.push(`describeAlarms ${names.join(',')}`);
    return names.map((name) => ({ name, state: this.alarmState, reason: '', updatedAt: T0 }));
  }
  async readWeights(_ref: ForwardRef): Promise<TargetGroupWeight[]> {
    throw new Error('health does not read weights');
  }
  async setWeights(_ref: ForwardRef, _w: readonly TargetGroupWeight[]): Promise<WriteResult> {
    throw new Error('health does not write');
  }
}

const ports = (world: World): HealthPorts => ({ lb: world, metrics: world, http: world });

const CONDITIONS: HealthCondition[] = [
  { name: 'ready', http: { url: 'https://aep.example.com/health/ready' }, failFor: '2m' },
  { name: 'targets', targetHealth: { maxUnhealthy: 0 }, failFor: '3m' },
  { name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' },
  { name: 'latency-vs-baseline', metric: { builtin: 'latencyP95', maxIncreasePercent: 25 } },
  { name: 'alarm', alarm: { name: 'aep-backend-5xx' } },
  { name: 'alarm-again', alarm: { name: 'aep-backend-5xx' } },
];

/** The canary as a reconciler knows it from the manifest: target groups, no load balancer. */
const TARGET: MeasureTarget = {
  cluster: 'aep-prod',
  canary: { service: 'aep-backend-green', targetGroupArn: GREEN_TG },
  baseline: { service: 'aep-backend-blue', targetGroupArn: BLUE_TG },
};

describe('measure', () => {
  it('measures every condition in order with one batched read per port', async () => {
    const world = new World();
    const results = await measure(CONDITIONS, TARGET, ports(world), T0);
    expect(results.map((m) => [m.name, m.outcome, m.value])).toEqual([
      ['ready', 'pass', 200],
      ['targets', 'pass', 0],
      ['errors', 'pass', 0.5],
      ['latency-vs-baseline', 'pass', 330],
      ['alarm', 'pass', null],
      ['alarm-again', 'pass', null],
    ]);
    expect([...world.calls].sort()).toEqual(
      [
        'GET https://aep.example.com/health/ready',
        `describeTargetHealth ${GREEN_TG}`,
        `describeTargetGroups ${GREEN_TG},${BLUE_TG}`,
        'getMetricData 7',
        'describeAlarms aep-backend-5xx',
      ].sort(),
    );
  });

  it('turns a failed read into nodata for its conditions only', async () => {
    const world = new World();
    world.failing.add('lb');
    world.alarmState = 'ALARM';
    const results = await measure(CONDITIONS, TARGET, ports(world), T0);
    expect(results.map((m) => m.outcome)).toEqual(['pass', 'nodata', 'pass', 'pass', 'fail', 'fail']);
    expect(results[1]?.message).toBe('could not describe target health: Rate exceeded');
  });

  it('keeps the other measurements when one condition cannot be evaluated at all', async () => {
    const broken: HealthCondition = { name: 'broken', metric: { builtin: 'errorRate', max: 5, window: 'soon' } };
    const results = await measure([CONDITIONS[0] as HealthCondition, broken], TARGET, ports(new World()), T0);
    expect(results.map((m) => [m.name, m.outcome])).toEqual([
      ['ready', 'pass'],
      ['broken', 'nodata'],
    ]);
    expect(results[1]).toMatchObject({ threshold: '≤ 5%', message: expect.stringContaining('not a duration') });
  });
});

describe('measure and assess together', () => {
  it('reports 5xx above 5% as Failing once it has lasted a minute from its first bad datapoint, at a 15s interval', async () => {
    const world = new World();
    const interval = healthIntervalMs({ interval: '15s' });
    const errors = CONDITIONS[2] as HealthCondition;
    let health: ConditionHealth | undefined;
    const timeline: string[] = [];
    for (let i = 0; i <= 6; i++) {
      const now = T0 + i * interval;
      world.errorRate = i === 0 ? 0.5 : 7.3;
      const [m] = await measure([errors], TARGET, ports(world), now);
      health = assess(errors, health, m!, { now, intervalMs: interval });
      timeline.push(health.state);
    }
    // The first bad check (15s) reads the minute that began at T0: the streak starts there.
    expect(timeline).toEqual(['Passing', 'Breaching', 'Breaching', 'Breaching', 'Failing', 'Failing', 'Failing']);
    expect(health?.badSince).toBe(new Date(T0).toISOString());
    expect(summarizeHealth(health!, T0 + 6 * interval)).toBe('errors: 7.3% > 5% for 1m30s');
  });
});
