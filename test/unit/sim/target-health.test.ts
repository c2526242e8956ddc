import { describe, expect, it } from 'vitest';
import { ElbModel } from '../../../src/sim/elb.js';
import { EventLog } from '../../../src/sim/events.js';
import { randomStream } from '../../../src/sim/random.js';
import { fixtureWorld, SHOP, simulate } from './fixtures.js';

/** Seconds from `from` until the target reaches `state`, probing every second. */
async function secondsUntil(step: () => Promise<string | undefined>, state: string, limit = 600): Promise<number | undefined> {
  for (let s = 1; s <= limit; s++) if ((await step()) === state) return s;
  return undefined;
}

describe('target health', () => {
  // A new target needs one passed check, 30s (the AWS default interval) after registering:
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
  it('turns a new target healthy at its first passed check, one 30s interval after it registers', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', desiredCount: 3 });
    // The task is created on the next tick and RUNNING 20s later: registered as `initial`.
    await clock.advance(21_000);
    const newest = (): string | undefined => sim.inspect.targetHealth(SHOP.blue).find((t) => t.state !== 'healthy')?.id;
    const id = newest();
    expect(sim.inspect.targetHealth(SHOP.blue).find((t) => t.id === id)).toMatchObject({ state: 'initial', reason: 'Elb.RegistrationInProgress' });
    const seconds = await secondsUntil(async () => {
      await clock.advance(1_000);
      return sim.inspect.targetHealth(SHOP.blue).find((t) => t.id === id)?.state;
    }, 'healthy');
    expect(seconds).toBe(30);
  });

  it('turns unhealthy after 2 failed checks 30s apart', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    // Revision 5 fails the load balancer's health check.
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-green', taskDefinition: 'shop-api:5' });
    await clock.advance(21_000);
    const id = sim.inspect.targetHealth(SHOP.green).find((t) => t.state === 'initial')?.id;
    expect(id).toBeDefined();
    const seconds = await secondsUntil(async () => {
      await clock.advance(1_000);
      return sim.inspect.targetHealth(SHOP.green).find((t) => t.id === id)?.state;
    }, 'unhealthy');
    expect(seconds).toBe(2 * 30);
    expect(sim.inspect.targetHealth(SHOP.green).find((t) => t.id === id)).toMatchObject({ reason: 'Target.ResponseCodeMismatch' });
  });

  it('follows the interval a world sets: a new target is healthy at the first check, whatever the healthy threshold', async () => {
    const world = fixtureWorld('two-colours.yaml');
    const tg = world.targetGroups.find((t) => t.arn === SHOP.blue);
    if (!tg) throw new Error('fixture changed');
    tg.healthCheck = { interval: '10s', healthyThreshold: 3, unhealthyThreshold: 3 };
    const { sim, clock } = simulate(world);
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', desiredCount: 3 });
    await clock.advance(21_000);
    const id = sim.inspect.targetHealth(SHOP.blue).find((t) => t.state === 'initial')?.id;
    const seconds = await secondsUntil(async () => {
      await clock.advance(1_000);
      return sim.inspect.targetHealth(SHOP.blue).find((t) => t.id === id)?.state;
    }, 'healthy');
    expect(seconds).toBe(10);
  });

  it('needs healthyThreshold passes in a row for a target coming back from unhealthy', () => {
    const elb = new ElbModel({ account: '123456789012', region: 'us-east-1', events: new EventLog(), ids: randomStream(1, 'ids') });
    elb.targetGroups.set(SHOP.blue, {
      arn: SHOP.blue, name: 'api-blue', loadBalancerArns: [], intervalMs: 30_000, healthyThreshold: 5, unhealthyThreshold: 2, deregistrationDelayMs: 300_000, targets: new Map(),
    });
    let passing = false;
    elb.answer = () => passing;
    elb.register(SHOP.blue, '10.0.0.9', 8080, 0);
    const stateAt = (seconds: number): string | undefined => {
      elb.tick(seconds * 1000);
      return elb.targetState(SHOP.blue, '10.0.0.9');
    };
    expect(stateAt(30)).toBe('initial');
    expect(stateAt(60)).toBe('unhealthy');
    passing = true;
    expect([90, 120, 150, 180].map(stateAt)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'unhealthy']);
    expect(stateAt(210)).toBe('healthy');
  });

  it('drains a stopped task for the deregistration delay, then removes it', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', desiredCount: 1 });
    await clock.advance(1_000);
    const draining = sim.inspect.targetHealth(SHOP.blue).filter((t) => t.state === 'draining');
    expect(draining).toHaveLength(1);
    expect(draining[0]).toMatchObject({ reason: 'Target.DeregistrationInProgress' });
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue')).toMatchObject({ total: 2, stopping: 1 });
    // Stopped on the first tick (t+1s): drains until t+301s.
    await clock.advance(299_000);
    expect(sim.inspect.targetHealth(SHOP.blue)).toHaveLength(2);
    await clock.advance(1_000);
    expect(sim.inspect.targetHealth(SHOP.blue).map((t) => t.state)).toEqual(['healthy']);
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue')).toMatchObject({ total: 1, stopping: 0 });
  });

  it('fails health checks during a targetsUnhealthy fault only, and ECS replaces the tasks', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'targetsUnhealthy', targetGroup: SHOP.green, at: '2m', for: '3m' }];
    const { sim, clock } = simulate(world);
    const since = (kind: string, subject: string): number[] =>
      sim.events.filter((e) => e.kind === 'target.health' && e.subject === subject && e.detail.endsWith(kind)).map((e) => (e.at - sim.startedAt) / 1000);
    await clock.advance(2 * 60_000);
    expect(sim.inspect.targetHealth(SHOP.green).map((t) => t.state)).toEqual(['healthy', 'healthy']);
    await clock.advance(60_000);
    // Two failed checks within the first minute of the window.
    const unhealthy = since('-> unhealthy', 'api-green');
    expect(unhealthy).toHaveLength(2);
    for (const s of unhealthy) expect(s).toBeGreaterThan(120);
    for (const s of unhealthy) expect(s).toBeLessThanOrEqual(180);
    expect(sim.inspect.targetHealth(SHOP.green).filter((t) => t.state === 'healthy')).toHaveLength(0);
    // No replacement turns healthy while the fault lasts; all do afterwards.
    await clock.advance(2 * 60_000);
    expect(since('-> healthy', 'api-green')).toEqual([]);
    await clock.advance(10 * 60_000);
    expect(since('-> healthy', 'api-green').every((s) => s > 300)).toBe(true);
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-green')).toMatchObject({ healthy: 2, total: 2 });
    expect(since('-> unhealthy', 'api-blue')).toEqual([]);
    expect(sim.events.filter((e) => e.kind.startsWith('fault.')).map((e) => [e.kind, (e.at - sim.startedAt) / 1000])).toEqual([
      ['fault.started', 120],
      ['fault.ended', 300],
    ]);
  });
});
