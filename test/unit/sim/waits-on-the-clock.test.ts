// A simulated AWS call may now wait on the clock (the SDK's backoff between attempts, the adaptive
// rate limiter, a request timing out: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
// In virtual time only the driver moves the clock, so none of the drivers may wait for such a call
// to end before moving it: the stage, a rehearsal, direct calls through sim.drive, and on a real
// clock the waits simply take their time.
import { describe, expect, it } from 'vitest';
import { AWS_DEFAULTS } from '../../../src/cloud/aws/defaults.js';
import { rehearse } from '../../../src/rehearse/rehearse.js';
import { createStage } from '../../../src/rehearse/stage.js';
import { RealClock } from '../../../src/runtime/clock.js';
import { Simulator } from '../../../src/sim/simulator.js';
import { aepCanary } from '../../scenarios/support/releases.js';
import { demoWorld } from '../../scenarios/support/scenario.js';
import { fixtureWorld, SHOP } from './fixtures.js';

const NAME = 'aep-backend-prod';

describe('calls that wait on the clock', () => {
  it('do not hold up stage.advance: passes retry on virtual time, end, and time moves exactly as asked', async () => {
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'throttle', service: 'ecs', at: '30s', for: '1h' }];
    });
    const stage = await createStage({ world });
    try {
      const start = stage.clock.now();
      stage.source.apply(aepCanary('aep-backend-prod:11'));
      await stage.advance(3 * 60_000);
      expect(stage.clock.now() - start).toBe(3 * 60_000);
      const status = await stage.status(NAME);
      // The storm outlasts the SDK's attempts: keelson sees Throttled and says it retries.
      expect(status?.message).toMatch(/^ECS \w+ throttled; retrying in /);
      const throttled = stage.sim.rejectedCalls['ecs:DescribeServices']?.Throttled ?? 0;
      expect(throttled).toBeGreaterThanOrEqual(AWS_DEFAULTS.maxAttempts);
      // Backoffs were waited on the clock: the attempts of one call are spread over time.
      const rejected = stage.sim.events.filter((e) => e.kind === 'call.rejected' && e.subject === 'ecs:DescribeServices');
      expect(rejected.reduce((sum, e) => sum + (e.count ?? 1), 0)).toBe(throttled);
      // Events are per second: attempts that waited on the clock land in more than one second.
      expect(new Set(rejected.map((e) => e.at)).size).toBeGreaterThan(1);
    } finally {
      await stage.close();
    }
  });

  it('do not hold up stage.close: a pass caught in a backoff finishes once time moves to its end', async () => {
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'timeout', service: 'ecs', at: '0s', for: '1h' }];
    });
    const stage = await createStage({ world });
    stage.source.apply(aepCanary('aep-backend-prod:11'));
    await stage.advance(5_000);
    // Five attempts of 15 s each: the first pass is still waiting on the clock.
    expect(stage.sim.waits.waitingOnClock).toBe(true);
    const before = stage.clock.now();
    await stage.close();
    expect(stage.sim.waits.waitingOnClock).toBe(false);
    expect(stage.clock.now()).toBeGreaterThan(before);
    // The waiting call ran to its last attempt and failed as keelson would have seen it.
    const timedOut = Object.entries(stage.sim.rejectedCalls).filter(([key]) => key.startsWith('ecs:')).map(([, byCode]) => byCode.Timeout);
    expect(timedOut).toContain(AWS_DEFAULTS.maxAttempts);
  });

  it('do not hold up a rehearsal with loopback HTTP probes: it ends, and its call counts include every attempt', async () => {
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'throttle', service: 'elbv2', at: '1m', for: '2m', probability: 0.7 }];
    });
    const manifest = { file: 'aep.yaml', text: JSON.stringify(aepCanary('aep-backend-prod:11')) };
    const result = await rehearse({ world, releases: [manifest], untilMs: 5 * 60_000, http: true });
    expect(Date.parse(result.endedAt) - Date.parse(result.startedAt)).toBe(5 * 60_000);
    expect(result.releases[0]?.status?.phase).toBe('Healthy');
    const reads = result.awsCalls['elbv2:DescribeListeners'] ?? 0;
    expect(reads).toBeGreaterThan(0);
  });

  it('on a real clock (keelson run --cloud sim) simply take their time', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'serverError', service: 'ecs', operations: ['DescribeTaskDefinition'], at: '0s', for: '1h', count: 2 }];
    const sim = new Simulator({ world, clock: new RealClock() });
    try {
      const td = await sim.provider(undefined).ecs.describeTaskDefinition('shop-api:1');
      expect(td.revision).toBe(1);
      expect(sim.calls['ecs:DescribeTaskDefinition']).toBe(3);
      expect(sim.rejectedCalls['ecs:DescribeTaskDefinition']).toEqual({ Unavailable: 2 });
      // sim.drive on a real clock is a plain await.
      await expect(sim.drive(sim.provider(undefined).ecs.describeServices(SHOP.cluster, ['api-blue']))).resolves.toMatchObject({ failures: [] });
    } finally {
      await sim.close();
    }
  });
});
