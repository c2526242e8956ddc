import { describe, expect, it } from 'vitest';
import { isCloudError } from '../../../src/cloud/errors.js';
import { fixtureWorld, SHOP, simulate } from './fixtures.js';

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if (isCloudError(err)) return err.code;
    throw err;
  }
}

describe('scheduled faults', () => {
  it('throttles the chosen calls within the window only', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '10m', for: '3m' }];
    const { sim, clock } = simulate(world);
    const ecs = sim.provider(undefined).ecs;
    const describe = (): Promise<unknown> => ecs.describeServices(SHOP.cluster, ['api-blue']);
    const seen: [number, string][] = [];
    for (const at of [0, 9 * 60, 10 * 60 - 1, 10 * 60, 11 * 60, 13 * 60 - 1, 13 * 60, 14 * 60]) {
      await clock.advanceTo(sim.startedAt + at * 1000);
      seen.push([at, await outcome(describe())]);
    }
    expect(seen).toEqual([
      [0, 'ok'],
      [540, 'ok'],
      [599, 'ok'],
      [600, 'Throttled'],
      [660, 'Throttled'],
      [779, 'Throttled'],
      [780, 'ok'],
      [840, 'ok'],
    ]);
    await clock.advanceTo(sim.startedAt + 11 * 60_000);
    // Other operations and services are untouched.
    expect(await outcome(ecs.describeTaskDefinition('shop-api:1'))).toBe('ok');
    expect(await outcome(sim.provider(undefined).lb.readWeights({ listenerArn: SHOP.listenerArn }))).toBe('ok');
    expect(sim.calls['ecs:DescribeServices']).toBe(8);
    expect(sim.rejectedCalls['ecs:DescribeServices']).toEqual({ Throttled: 3 });
  });

  it('fails calls with Unavailable and Timeout for serverError and timeout faults', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [
      { kind: 'serverError', service: 'elbv2', at: '1m', for: '1m' },
      { kind: 'timeout', service: 'cloudwatch', at: '1m', for: '1m' },
    ];
    const { sim, clock } = simulate(world);
    const ports = sim.provider(undefined);
    await clock.advance(90_000);
    expect(await outcome(ports.lb.readWeights({ listenerArn: SHOP.listenerArn }))).toBe('Unavailable');
    expect(await outcome(ports.metrics.describeAlarms(['shop-green-5xx']))).toBe('Timeout');
    expect(await outcome(ports.ecs.describeServices(SHOP.cluster, ['api-blue']))).toBe('ok');
  });

  it('fails a seeded share of calls when a probability is given', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', at: '0s', for: '1h', probability: 0.25 }];
    const { sim } = simulate(world);
    let throttled = 0;
    for (let i = 0; i < 400; i++) if ((await outcome(sim.provider(undefined).ecs.describeTaskDefinition('shop-api:1'))) === 'Throttled') throttled++;
    expect(throttled).toBeGreaterThan(70);
    expect(throttled).toBeLessThan(130);
  });

  it('turns a revision bad from a given time: its requests start failing', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'revisionTurnsBad', taskDefinition: 'shop-api:1', at: '5m', errorRate: 0.5 }];
    const { sim, clock } = simulate(world);
    await clock.advance(5 * 60_000);
    expect(sim.stats.total.failed).toBe(0);
    await clock.advance(5 * 60_000);
    const late = sim.stats.total.perMinute.slice(5);
    for (const m of late) expect(m.failed / m.requests).toBeGreaterThan(0.4);
  });

  it('turns each task bad a while after it started (turnsBad in the profile)', async () => {
    const world = fixtureWorld('two-colours.yaml');
    const td = world.taskDefinitions.find((t) => t.revision === 1);
    if (!td) throw new Error('fixture changed');
    td.profile = { ...td.profile, turnsBad: { after: '3m', errorRate: 1 } };
    const { sim, clock } = simulate(world);
    await clock.advance(6 * 60_000);
    const minutes = sim.stats.total.perMinute.map((m) => m.failed / m.requests);
    expect(minutes.slice(0, 3)).toEqual([0, 0, 0]);
    expect(minutes.slice(3)).toEqual([1, 1, 1]);
  });
});
