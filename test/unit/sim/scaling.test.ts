// Application Auto Scaling in the simulator, each rule as AWS documents it (pages in
// docs/sim-world.md, "Application Auto Scaling").
import { describe, expect, it } from 'vitest';
import type { ScalingActivity } from '../../../src/cloud/ports.js';
import { fixtureWorld, simulate } from './fixtures.js';

const MINUTE = 60_000;
const TG = 'targetgroup/api/00000000000000a1';

function world() {
  return fixtureWorld('scaling.yaml');
}

async function activities(sim: ReturnType<typeof simulate>['sim'], service: string): Promise<ScalingActivity[]> {
  return sim.provider(undefined).scaling.describeScalingActivities('app', service);
}

describe('utilization metrics the policies act on', () => {
  it('publishes AWS/ECS CPU and memory per service and RequestCountPerTarget per target group, per minute', async () => {
    const { sim, clock } = simulate(world());
    await clock.advance(2 * MINUTE);
    const range = { start: sim.startedAt, end: clock.now() };
    const [cpu, memory, perTarget, quiet] = await sim.provider(undefined).metrics.getMetricData(
      [
        { id: 'cpu', metricStat: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'app', ServiceName: 'api' }, stat: 'Average', period: 60 } },
        { id: 'mem', metricStat: { namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions: { ClusterName: 'app', ServiceName: 'api' }, stat: 'Maximum', period: 60 } },
        { id: 'rpt', metricStat: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCountPerTarget', dimensions: { TargetGroup: TG }, stat: 'Sum', period: 60 } },
        { id: 'hot', metricStat: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'app', ServiceName: 'hot' }, stat: 'Average', period: 60 } },
      ],
      range,
    );
    // 120 requests a second over 2 tasks: 60 each, 5% idle + 1% per request a second.
    expect(cpu?.values).toEqual([65, 65]);
    expect(memory?.values).toEqual([40, 40]);
    expect(perTarget?.values).toEqual([3600, 3600]);
    expect(quiet?.values).toEqual([90, 90]);
  });
});

describe('target tracking', () => {
  it('creates its two alarms and scales out in proportion after 3 minutes above the target', async () => {
    const { sim, clock } = simulate(world());
    const ports = sim.provider(undefined);
    const alarms = sim.events; // none yet: created at the start
    expect(alarms.filter((e) => e.kind === 'scaling.activity')).toEqual([]);
    await clock.advance(2 * MINUTE + 59_000);
    expect(sim.inspect.service('app', 'api').desiredCount).toBe(2);
    await clock.advance(1_000);
    // ceil(2 × 65 / 50) = 3
    expect(sim.inspect.service('app', 'api').desiredCount).toBe(3);
    const [first] = await activities(sim, 'api');
    expect(first).toMatchObject({ description: 'Setting desired count to 3.', statusCode: 'Successful', startTime: sim.startedAt + 3 * MINUTE });
    expect(first?.cause).toMatch(/^monitor alarm TargetTracking-service\/app\/api-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy cpu50$/);
    const high = first?.cause.split(' ')[2] as string;
    expect((await ports.metrics.describeAlarms([high]))[0]?.state).toBe('ALARM');
    expect(sim.events.some((e) => e.kind === 'scaling.activity' && e.subject === 'service/app/api' && e.detail.startsWith('Setting desired count to 3.'))).toBe(true);
  });

  it('never goes beyond maxCapacity, however far above the target', async () => {
    const { sim, clock } = simulate(world());
    await clock.advance(30 * MINUTE);
    // hot: 90% on 2 tasks asks for ceil(2 × 90 / 50) = 4; the target allows 3.
    expect(sim.inspect.service('app', 'hot').desiredCount).toBe(3);
    expect((await activities(sim, 'hot')).map((a) => a.description)).toEqual(['Setting desired count to 3.']);
  });

  it('scales in only after 15 minutes below 90% of the target, then waits for the scale-in cooldown', async () => {
    const { sim, clock } = simulate(world());
    await clock.advance(14 * MINUTE);
    expect(sim.inspect.service('app', 'cool').desiredCount).toBe(4);
    await clock.advance(16 * MINUTE);
    const list = await activities(sim, 'cool');
    // Newest first: 4 → 3 at 15 minutes (ceil(4 × 30 / 50)), 3 → 2 one cooldown (300 s) later.
    expect(list.map((a) => [a.description, (a.startTime - sim.startedAt) / MINUTE])).toEqual([
      ['Setting desired count to 2.', 20],
      ['Setting desired count to 3.', 15],
    ]);
  });

  it('never scales in with disableScaleIn, and creates no scale-in alarm', async () => {
    const { sim, clock } = simulate(world());
    await clock.advance(40 * MINUTE);
    expect(sim.inspect.service('app', 'steady').desiredCount).toBe(4);
    expect(await activities(sim, 'steady')).toEqual([]);
    expect(sim.events.some((e) => e.kind === 'alarm.state' && e.subject.startsWith('TargetTracking-service/app/steady-AlarmLow'))).toBe(false);
  });

  it('holds scale-in while an ECS deployment is in progress, and resumes once it completes', async () => {
    const { sim, clock } = simulate(world());
    await clock.advance(10 * MINUTE);
    // cool:2 takes 10 minutes to start: the deployment is in progress from minute 10 to about 20.
    sim.outOfBand.updateService({ cluster: 'app', service: 'cool', taskDefinition: 'cool:2' });
    await clock.advance(8 * MINUTE);
    expect(sim.inspect.service('app', 'cool').deployments.length).toBeGreaterThan(1);
    expect(await activities(sim, 'cool')).toEqual([]);
    await clock.advance(20 * MINUTE);
    expect((await activities(sim, 'cool')).length).toBeGreaterThan(0);
  });

  it('leaves a suspended direction alone', async () => {
    const w = world();
    for (const t of w.scalableTargets ?? []) t.suspended = { dynamicScalingIn: true, dynamicScalingOut: true };
    const { sim, clock } = simulate(w);
    await clock.advance(30 * MINUTE);
    expect(sim.inspect.service('app', 'hot').desiredCount).toBe(2);
    expect(sim.inspect.service('app', 'cool').desiredCount).toBe(4);
    expect(sim.inspect.service('app', 'batch').desiredCount).toBe(1);
  });

  it('tracks ALBRequestCountPerTarget through its resource label', async () => {
    const w = world();
    const api = w.scalableTargets?.find((t) => t.service === 'api');
    if (!api) throw new Error('fixture has no api target');
    api.policies = [{ name: 'requests', targetTracking: { targetValue: 1000, predefinedMetric: 'ALBRequestCountPerTarget', resourceLabel: `app/app-alb/1111111111111111/${TG}` } }];
    const { sim, clock } = simulate(w);
    await clock.advance(3 * MINUTE);
    // 3,600 requests a minute per target against 1,000: ceil(2 × 3.6) = 8, capped at 6.
    expect(sim.inspect.service('app', 'api').desiredCount).toBe(6);
  });

  it('refuses a policy on a service no scalable target owns, and a malformed one', async () => {
    const { sim } = simulate(world());
    const scaling = sim.provider(undefined).scaling;
    const policy = { name: 'p', policy: { type: 'TargetTrackingScaling' as const, targetValue: 50, predefinedMetric: { type: 'ECSServiceAverageCPUUtilization' as const } } };
    await expect(scaling.putScalingPolicy('app', 'nope', policy)).rejects.toMatchObject({ code: 'NotFound', details: { awsCode: 'ObjectNotFoundException' } });
    await expect(
      scaling.putScalingPolicy('app', 'api', { name: 'p', policy: { type: 'TargetTrackingScaling', targetValue: 50, predefinedMetric: { type: 'ALBRequestCountPerTarget' } } }),
    ).rejects.toMatchObject({ code: 'Invalid', details: { awsCode: 'ValidationException' } });
    await expect(scaling.putScheduledAction('app', 'api', { name: 'x', schedule: 'cron(0 8 * * * *)', minCapacity: 2 })).rejects.toMatchObject({ code: 'Invalid' });
  });
});

describe('step scaling', () => {
  it('applies the step holding the breach, raised to MinAdjustmentMagnitude, once per cooldown, up to max', async () => {
    const { sim, clock } = simulate(world());
    await clock.advance(12 * MINUTE);
    // 90% against a 60% threshold: breach 30 ≥ 20, +100%: 1 → 2 raised to +2 → 3; 3 → 6; 6 → 12 capped at 10.
    expect((await activities(sim, 'batch')).map((a) => [a.description, (a.startTime - sim.startedAt) / MINUTE])).toEqual([
      ['Setting desired count to 10.', 11],
      ['Setting desired count to 6.', 6],
      ['Setting desired count to 3.', 1],
    ]);
  });
});

describe('scheduled actions', () => {
  it('sets min at its time and scales out to it; an at() in a time zone is that local time', async () => {
    const { sim, clock } = simulate(world());
    const scaling = sim.provider(undefined).scaling;
    // START is 10:00 UTC on 5 January 2026, 11:00 in Paris.
    await scaling.putScheduledAction('app', 'steady', { name: 'prewarm', schedule: 'at(2026-01-05T11:05:00)', timezone: 'Europe/Paris', minCapacity: 6, maxCapacity: 8 });
    await clock.advance(5 * MINUTE - 1_000);
    expect(sim.inspect.scalableTarget('app', 'steady')?.minCapacity).toBe(1);
    await clock.advance(1_000);
    expect(sim.inspect.scalableTarget('app', 'steady')).toMatchObject({ minCapacity: 6, maxCapacity: 8 });
    expect(sim.inspect.service('app', 'steady').desiredCount).toBe(6);
    expect((await activities(sim, 'steady')).map((a) => a.description)).toEqual(['Setting desired count to 6.', 'Setting min capacity to 6 and max capacity to 8.']);
    expect((await activities(sim, 'steady'))[1]?.cause).toBe('scheduled action name prewarm was triggered');
  });

  it('runs a cron schedule in its time zone and a rate schedule every interval, skipped while suspended', async () => {
    const { sim, clock } = simulate(world());
    const scaling = sim.provider(undefined).scaling;
    // 11:10 in Paris on weekdays is 10:10 UTC on Monday 5 January 2026.
    await scaling.putScheduledAction('app', 'steady', { name: 'weekday', schedule: 'cron(10 11 ? * MON-FRI *)', timezone: 'Europe/Paris', maxCapacity: 2 });
    await scaling.putScheduledAction('app', 'cool', { name: 'tick', schedule: 'rate(7 minutes)', maxCapacity: 4 });
    await clock.advance(9 * MINUTE);
    expect(sim.inspect.service('app', 'steady').desiredCount).toBe(4);
    await clock.advance(MINUTE);
    expect(sim.inspect.service('app', 'steady').desiredCount).toBe(2);
    await clock.advance(5 * MINUTE);
    const ticks = (await activities(sim, 'cool')).filter((a) => a.cause.startsWith('scheduled action name tick'));
    expect(ticks.map((a) => (a.startTime - sim.startedAt) / MINUTE)).toEqual([14, 7]);

    sim.outOfBand.registerScalableTarget('app', 'cool', { minCapacity: 1, maxCapacity: 4, suspended: { scheduledScaling: true } });
    await clock.advance(14 * MINUTE);
    expect((await activities(sim, 'cool')).filter((a) => a.cause.startsWith('scheduled action name tick'))).toHaveLength(2);
  });
});
