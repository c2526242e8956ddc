import { describe, expect, it } from 'vitest';
import type { MetricDataQuery } from '../../../src/cloud/ports.js';
import { CLOUDWATCH_DEFAULTS } from '../../../src/sim/cloudwatch.js';
import { fixtureWorld, SHOP, simulate, withRevision } from './fixtures.js';

/** The default publication delay: a minute's datapoint is visible this long after the minute ends. */
const DELAY = CLOUDWATCH_DEFAULTS.publicationDelayMs;

const NS = 'AWS/ApplicationELB';

function metric(id: string, metricName: string, targetGroup: string | undefined, stat: string, period = 60): MetricDataQuery {
  const dimensions: Record<string, string> = { LoadBalancer: SHOP.dims.loadBalancer };
  if (targetGroup) dimensions.TargetGroup = targetGroup;
  return { id, metricStat: { namespace: NS, metricName, dimensions, stat, period } };
}

describe('traffic and metrics', () => {
  it('sends 10% to a colour answering 20% 5xx: about 2% of all requests fail', async () => {
    // Listener 90/10; green runs revision 3 (20% 5xx).
    const { sim, clock } = simulate(withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3'));
    await clock.advance(10 * 60_000);
    const total = sim.stats.total;
    expect(total.requests).toBe(100 * 600);
    expect((100 * total.failed) / total.requests).toBeGreaterThan(1.7);
    expect((100 * total.failed) / total.requests).toBeLessThan(2.3);
    expect(total.failed).toBe(total.target5xx);
    const bad = sim.stats.byRevision['shop-api:3'];
    expect(bad?.requests).toBe(6_000);
    expect((100 * (bad?.target5xx ?? 0)) / (bad?.requests ?? 1)).toBeGreaterThan(18);
    expect((100 * (bad?.target5xx ?? 0)) / (bad?.requests ?? 1)).toBeLessThan(22);
    expect(sim.stats.byRevision['shop-api:1']).toMatchObject({ requests: 54_000, target5xx: 0 });
    expect(sim.stats.byEntryPoint.shop?.perMinute).toHaveLength(10);
  });

  it('publishes per-minute CloudWatch metrics per target group, and metric math over them', async () => {
    const { sim, clock } = simulate(withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3'));
    await clock.advance(5 * 60_000 + 30_000 + DELAY);
    const end = clock.now();
    const [errorRate, requests, p95, healthy] = await sim.provider(undefined).metrics.getMetricData(
      [
        { ...metric('errors', 'HTTPCode_Target_5XX_Count', SHOP.dims.green, 'Sum'), returnData: false },
        { ...metric('all', 'RequestCount', SHOP.dims.green, 'Sum'), returnData: false },
        { id: 'rate', expression: '100*errors/all' },
        metric('requests', 'RequestCount', SHOP.dims.blue, 'Sum'),
        metric('p95', 'TargetResponseTime', SHOP.dims.green, 'p95'),
        metric('healthy', 'HealthyHostCount', SHOP.dims.green, 'Minimum'),
      ],
      { start: end - 10 * 60_000, end },
    );
    // Five whole minutes are published; those that ended less than the publication delay ago and
    // the running one are not yet.
    expect(requests?.timestamps).toHaveLength(5);
    expect(requests?.timestamps[0]).toBe(Math.floor((end - DELAY) / 60_000) * 60_000 - 60_000);
    expect(requests?.values).toEqual([5400, 5400, 5400, 5400, 5400]);
    for (const v of errorRate?.values ?? []) expect(Math.abs(v - 20)).toBeLessThan(5);
    // One profile: the percentile comes back as the profile states it, in seconds.
    expect(p95?.values[0]).toBeCloseTo(0.4, 6);
    expect(healthy?.values).toEqual([2, 2, 2, 2, 2]);
  });

  it('rounds a start time down to the whole minute, as CloudWatch does: the last minute is there mid-minute too', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await clock.advance(5 * 60_000 + 34_000);
    const end = clock.now();
    // The newest published minute began 34s before `end - 60s - DELAY`: only the rounding reaches it.
    const [requests] = await sim.provider(undefined).metrics.getMetricData([metric('requests', 'RequestCount', SHOP.dims.blue, 'Sum')], { start: end - 60_000 - DELAY, end });
    expect(requests?.timestamps).toEqual([Math.floor(end / 60_000) * 60_000 - 60_000 - DELAY]);
  });

  it('computes latency percentiles over a mix of revisions weighted by requests', async () => {
    const { sim, clock } = simulate(withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3'));
    await clock.advance(3 * 60_000);
    const end = clock.now();
    const [lb] = await sim.provider(undefined).metrics.getMetricData([metric('p95', 'TargetResponseTime', undefined, 'p95', 180)], { start: end - 180_000, end });
    // 90% of requests at p95 100ms, 10% at p95 400ms: the mix's p95 lies between.
    expect(lb?.values).toHaveLength(1);
    expect(lb?.values[0]).toBeGreaterThan(0.1);
    expect(lb?.values[0]).toBeLessThan(0.4);
  });

  it('sums periods longer than a minute', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await clock.advance(10 * 60_000 + DELAY);
    const end = clock.now();
    const [five] = await sim.provider(undefined).metrics.getMetricData([metric('r', 'RequestCount', SHOP.dims.blue, 'Sum', 300)], { start: end - 600_000 - DELAY, end });
    expect(five?.values).toEqual([27_000, 27_000]);
    await expect(sim.provider(undefined).metrics.getMetricData([metric('r', 'RequestCount', SHOP.dims.blue, 'Sum', 90)], { start: end - 600_000, end })).rejects.toMatchObject({
      code: 'Invalid',
    });
  });

  it('moves traffic at once when ALB weights change', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await sim.provider(undefined).lb.setWeights({ listenerArn: SHOP.listenerArn }, [
      { targetGroupArn: SHOP.blue, weight: 0 },
      { targetGroupArn: SHOP.green, weight: 100 },
    ]);
    await clock.advance(60_000);
    expect(sim.stats.byEntryPoint.shop?.requests).toBe(6_000);
    const targets = sim.stats.byRevision['shop-api:1'];
    expect(targets?.requests).toBe(6_000);
    await clock.advance(DELAY);
    const end = clock.now();
    const [blue, green] = await sim.provider(undefined).metrics.getMetricData(
      [metric('b', 'RequestCount', SHOP.dims.blue, 'Sum'), metric('g', 'RequestCount', SHOP.dims.green, 'Sum')],
      { start: end - 60_000 - DELAY, end },
    );
    expect(blue?.values).toEqual([0]);
    expect(green?.values).toEqual([6_000]);
  });

  it('answers 503 from the load balancer when a colour has no healthy target', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'targetsUnhealthy', targetGroup: SHOP.green, at: '0s', for: '1h' }];
    const { sim, clock } = simulate(world);
    await clock.advance(10 * 60_000);
    const shop = sim.stats.byEntryPoint.shop;
    // Healthy for the first two checks (60s), then every green request is a 503.
    expect(shop?.elb5xx).toBeGreaterThan(0.1 * 100 * 520);
    expect(shop?.elb5xx).toBeLessThan(0.1 * 100 * 560);
    await clock.advance(DELAY);
    const end = clock.now();
    const [elb] = await sim.provider(undefined).metrics.getMetricData([metric('e', 'HTTPCode_ELB_5XX_Count', undefined, 'Sum', 600)], { start: end - 600_000 - DELAY, end: end - DELAY });
    expect(elb?.values).toEqual([shop?.elb5xx]);
  });
});
