import { describe, expect, it } from 'vitest';
import { AWS_DEFAULTS } from '../../../src/cloud/aws/defaults.js';
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

// Each attempt of the AWS SDK's retries is one call: a fault fails attempts, and a call fails
// only when every attempt the SDK makes does (sdk-retry.ts;
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). Calls wait on the
// virtual clock between attempts, so each is awaited through sim.drive.
describe('scheduled faults', () => {
  it('throttles every attempt of the chosen calls within the window only', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '10m', for: '3m' }];
    const { sim, clock } = simulate(world);
    const ecs = sim.provider(undefined).ecs;
    const describe = (): Promise<unknown> => sim.drive(ecs.describeServices(SHOP.cluster, ['api-blue']));
    const seen: [number, string][] = [];
    for (const at of [0, 9 * 60, 10 * 60 - 1, 10 * 60, 11 * 60, 12 * 60, 13 * 60, 14 * 60]) {
      await clock.advanceTo(sim.startedAt + at * 1000);
      seen.push([at, await outcome(describe())]);
    }
    expect(seen).toEqual([
      [0, 'ok'],
      [540, 'ok'],
      [599, 'ok'],
      [600, 'Throttled'],
      [660, 'Throttled'],
      [720, 'Throttled'],
      [780, 'ok'],
      [840, 'ok'],
    ]);
    // Other operations and services are untouched.
    expect(await outcome(sim.drive(ecs.describeTaskDefinition('shop-api:1')))).toBe('ok');
    expect(await outcome(sim.drive(sim.provider(undefined).lb.readWeights({ listenerArn: SHOP.listenerArn })))).toBe('ok');
    // Five calls answered at once, three failed after AWS_DEFAULTS.maxAttempts attempts each.
    expect(sim.calls['ecs:DescribeServices']).toBe(5 + 3 * AWS_DEFAULTS.maxAttempts);
    expect(sim.rejectedCalls['ecs:DescribeServices']).toEqual({ Throttled: 3 * AWS_DEFAULTS.maxAttempts });
  });

  it('lets a call begun in the last moment of a window succeed on a retry after it', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '10m', for: '3m' }];
    const { sim, clock } = simulate(world);
    await clock.advanceTo(sim.startedAt + 13 * 60_000 - 1);
    expect(await outcome(sim.drive(sim.provider(undefined).ecs.describeServices(SHOP.cluster, ['api-blue'])))).toBe('ok');
    expect(sim.rejectedCalls['ecs:DescribeServices']?.Throttled).toBeGreaterThanOrEqual(1);
    expect(sim.calls['ecs:DescribeServices']).toBe((sim.rejectedCalls['ecs:DescribeServices']?.Throttled ?? 0) + 1);
  });

  it('fails calls with Unavailable and Timeout for serverError and timeout faults, each attempt of a timeout taking the request timeout', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [
      { kind: 'serverError', service: 'elbv2', at: '1m', for: '10m' },
      { kind: 'timeout', service: 'cloudwatch', at: '1m', for: '10m' },
    ];
    const { sim, clock } = simulate(world);
    const ports = sim.provider(undefined);
    await clock.advance(90_000);
    expect(await outcome(sim.drive(ports.lb.readWeights({ listenerArn: SHOP.listenerArn })))).toBe('Unavailable');
    expect(sim.rejectedCalls['elbv2:DescribeListeners']).toEqual({ Unavailable: AWS_DEFAULTS.maxAttempts });
    const before = clock.now();
    expect(await outcome(sim.drive(ports.metrics.describeAlarms(['shop-green-5xx'])))).toBe('Timeout');
    expect(sim.rejectedCalls['cloudwatch:DescribeAlarms']).toEqual({ Timeout: AWS_DEFAULTS.maxAttempts });
    expect(clock.now() - before).toBeGreaterThanOrEqual(AWS_DEFAULTS.maxAttempts * AWS_DEFAULTS.requestTimeoutMs);
    expect(await outcome(sim.drive(ports.ecs.describeServices(SHOP.cluster, ['api-blue'])))).toBe('ok');
  });

  it('fails a seeded share of attempts when a probability is given; the SDK retries most of them away', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', at: '0s', for: '1h', probability: 0.25 }];
    const { sim } = simulate(world);
    let throttled = 0;
    for (let i = 0; i < 400; i++) if ((await outcome(sim.drive(sim.provider(undefined).ecs.describeTaskDefinition('shop-api:1')))) === 'Throttled') throttled++;
    const attempts = sim.calls['ecs:DescribeTaskDefinition'] ?? 0;
    const rejected = sim.rejectedCalls['ecs:DescribeTaskDefinition']?.Throttled ?? 0;
    expect(rejected / attempts).toBeGreaterThan(0.18);
    expect(rejected / attempts).toBeLessThan(0.32);
    // A call fails only when all five attempts are throttled: 0.25^5 of the time.
    expect(throttled).toBeLessThan(5);
  });

  it('fails only `count` attempts when a count is given', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'serverError', service: 'ecs', operations: ['DescribeTaskDefinition'], at: '0s', for: '1h', count: 2 }];
    const { sim } = simulate(world);
    expect(await outcome(sim.drive(sim.provider(undefined).ecs.describeTaskDefinition('shop-api:1')))).toBe('ok');
    expect(await outcome(sim.drive(sim.provider(undefined).ecs.describeTaskDefinition('shop-api:1')))).toBe('ok');
    expect(sim.calls['ecs:DescribeTaskDefinition']).toBe(4);
    expect(sim.rejectedCalls['ecs:DescribeTaskDefinition']).toEqual({ Unavailable: 2 });
  });

  it('tells every rejected attempt as an event, with what the SDK did next', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '0s', for: '1h' }];
    const { sim } = simulate(world);
    await outcome(sim.drive(sim.provider(undefined).ecs.describeServices(SHOP.cluster, ['api-blue'])));
    const rejected = sim.events.filter((e) => e.kind === 'call.rejected');
    // Counted per second and outcome: the attempts add up to maxAttempts.
    expect(rejected.reduce((sum, e) => sum + (e.count ?? 1), 0)).toBe(AWS_DEFAULTS.maxAttempts);
    expect(rejected.every((e) => e.subject === 'ecs:DescribeServices')).toBe(true);
    expect(rejected[0]?.detail).toBe('ThrottlingException; retried by the SDK');
    expect(rejected.at(-1)?.detail).toBe(`ThrottlingException; no attempts left (${AWS_DEFAULTS.maxAttempts} of ${AWS_DEFAULTS.maxAttempts}), keelson sees Throttled`);
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
