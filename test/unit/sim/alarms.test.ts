import { describe, expect, it } from 'vitest';
import { CLOUDWATCH_DEFAULTS } from '../../../src/sim/cloudwatch.js';
import { fixtureWorld, SHOP, simulate, withRevision } from './fixtures.js';

describe('CloudWatch alarms', () => {
  it('starts INSUFFICIENT_DATA, is OK on a healthy colour, and goes to ALARM after two bad minutes', async () => {
    // shop-green-5xx: Sum of green's target 5xx over 60s > 50, 2 of 2 periods.
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    const describe = async (): Promise<string | undefined> => (await sim.provider(undefined).metrics.describeAlarms(['shop-green-5xx']))[0]?.state;
    expect(await describe()).toBe('INSUFFICIENT_DATA');
    // The first minute's datapoint is published 2m (the default publication delay) after it ends.
    await clock.advance(60_000 + CLOUDWATCH_DEFAULTS.publicationDelayMs - 1_000);
    expect(await describe()).toBe('INSUFFICIENT_DATA');
    await clock.advance(1_000);
    expect(await describe()).toBe('OK');
    // Green (10% of 100 rps) switches to revision 3 (20% 5xx): ~120 errors a minute once it serves.
    sim.outOfBand.updateService({ cluster: SHOP.cluster, service: 'api-green', taskDefinition: 'shop-api:3' });
    await sim.provider(undefined).lb.setWeights({ listenerArn: SHOP.listenerArn }, [{ targetGroupArn: SHOP.green, weight: 1 }]);
    const states: string[] = [];
    for (let m = 0; m < 12; m++) {
      await clock.advance(60_000);
      states.push((await describe()) ?? '');
    }
    expect(states).toContain('ALARM');
    const alarm = sim.inspect.alarm('shop-green-5xx');
    expect(alarm?.reason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints/);
    const changes = sim.events.filter((e) => e.kind === 'alarm.state').map((e) => e.detail.split(':')[0]);
    expect(changes).toEqual(['INSUFFICIENT_DATA -> OK', 'OK -> ALARM']);
  });

  it('evaluates on published datapoints only: ALARM comes a publication delay after the bad minutes end', async () => {
    const world = withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3');
    world.metrics = { publicationDelay: '3m' };
    const { sim, clock } = simulate(world);
    // Green answers 20% 5xx from the start: the first two minutes breach; ALARM once both are published.
    await clock.advance(2 * 60_000 + 3 * 60_000 - 60_000);
    expect(sim.inspect.alarm('shop-green-5xx')?.state).not.toBe('ALARM');
    await clock.advance(60_000);
    expect(sim.inspect.alarm('shop-green-5xx')).toMatchObject({ state: 'ALARM', updatedAt: sim.startedAt + 5 * 60_000 });
  });

  it('counts out-of-band changes as no call of keelson', async () => {
    const { sim } = simulate(withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:2'));
    sim.outOfBand.setWeights({ listenerArn: SHOP.listenerArn }, [{ targetGroupArn: SHOP.green, weight: 1 }]);
    sim.outOfBand.setDesiredCount(SHOP.cluster, 'api-green', 4);
    sim.outOfBand.registerScalableTarget(SHOP.cluster, 'api-green', { minCapacity: 2, maxCapacity: 8 });
    expect(sim.calls).toEqual({});
    expect(sim.inspect.weights({ listenerArn: SHOP.listenerArn })).toEqual([{ targetGroupArn: SHOP.green, weight: 1 }]);
    expect(sim.inspect.service(SHOP.cluster, 'api-green').desiredCount).toBe(4);
    expect(await sim.provider(undefined).scaling.describeScalableTarget(SHOP.cluster, 'api-green')).toMatchObject({ minCapacity: 2, maxCapacity: 8 });
    expect(sim.events.map((e) => e.kind)).toEqual(['weights.changed', 'service.scaled', 'scaling.target']);
    expect(sim.events[1]?.detail).toContain('Application Auto Scaling');
  });

  it('stops a task out of band; ECS replaces it', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    const [victim] = sim.inspect.tasks(SHOP.cluster, 'api-blue');
    sim.outOfBand.stopTask(SHOP.cluster, victim?.arn ?? '', 'Stopped by an operator');
    await clock.advance(10 * 60_000);
    const [stopped] = await sim.provider(undefined).ecs.describeTasks(SHOP.cluster, [victim?.arn ?? '']);
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Stopped by an operator' });
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue')).toMatchObject({ total: 2, healthy: 2 });
    expect(() => sim.outOfBand.stopTask(SHOP.cluster, 'arn:aws:ecs:us-east-1:123456789012:task/shop/nope')).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
