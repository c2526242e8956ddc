import { describe, expect, it } from 'vitest';
import type { MetricDataResult } from '../../../src/cloud/ports.js';
import type { SimEvent } from '../../../src/sim/events.js';
import type { TrafficStats } from '../../../src/sim/traffic-stats.js';
import { fixtureWorld, SHOP, simulate, withRevision } from './fixtures.js';

/** A busy half hour: a rollout, a crash loop, weight changes, throttling, noise on the traffic. */
async function run(seed: number): Promise<{ events: SimEvent[]; stats: TrafficStats; metrics: MetricDataResult[] }> {
  const world = withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3');
  world.traffic = world.traffic?.map((t) => ({ ...t, noise: 0.2 }));
  world.faults = [{ kind: 'throttle', service: 'ecs', at: '5m', for: '5m', probability: 0.5 }];
  const { sim, clock } = simulate(world, seed);
  const ports = sim.provider(undefined);
  for (let minute = 0; minute < 30; minute++) {
    await clock.advance(60_000);
    // The SDK's retries wait on the clock: sim.drive moves it on.
    if (minute === 2) await sim.drive(ports.ecs.updateService({ cluster: SHOP.cluster, service: 'api-rolling', taskDefinition: 'shop-api:2' }));
    if (minute === 4) await sim.drive(ports.ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:4' }));
    if (minute === 8) await sim.drive(ports.lb.setWeights({ listenerArn: SHOP.listenerArn }, [{ targetGroupArn: SHOP.blue, weight: 50 }, { targetGroupArn: SHOP.green, weight: 50 }]));
    await sim.drive(ports.ecs.describeServices(SHOP.cluster, ['api-blue', 'api-green', 'api-rolling'])).catch(() => undefined);
  }
  const end = clock.now();
  const metrics = await ports.metrics.getMetricData(
    ['RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime', 'HealthyHostCount'].map((name, i) => ({
      id: `m${i}`,
      metricStat: { namespace: 'AWS/ApplicationELB', metricName: name, dimensions: { LoadBalancer: SHOP.dims.loadBalancer, TargetGroup: SHOP.dims.green }, stat: i === 2 ? 'p99' : 'Sum', period: 60 },
    })),
    { start: end - 30 * 60_000, end },
  );
  return { events: [...sim.events], stats: sim.stats, metrics };
}

describe('determinism', () => {
  it('gives the same run, event for event and datapoint for datapoint, for the same seed', async () => {
    const a = await run(1234);
    const b = await run(1234);
    expect(a.events.length).toBeGreaterThan(20);
    expect(b.events).toEqual(a.events);
    expect(b.stats).toEqual(a.stats);
    expect(b.metrics).toEqual(a.metrics);
  });

  it('gives a different run for a different seed', async () => {
    const a = await run(1234);
    const c = await run(98765);
    expect(c.stats.total.requests).not.toBe(a.stats.total.requests);
    expect(c.events).not.toEqual(a.events);
  });
});
