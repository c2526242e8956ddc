import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, BLUE_100 } from './support/releases.js';
import { metricRevertBound, PERIOD_MS, PUBLICATION_DELAY_MS } from './support/metric-lag.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('5xx rising after the 50% step', () => {
  it('puts 100% back on stable within one health interval of the first bad minute being published', async () => {
    // aep-backend-prod:12 starts failing a quarter of its requests 7 minutes in: after 50%.
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at: '7m', errorRate: 0.25 }];
    });
    s = await scenario({ world, release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 20 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect(status.lastRevert).toMatchObject({ revision: 'aep-backend-prod:12', condition: 'errors', window: '1m', failFor: '1m' });
    expect(status.lastRevert?.value).toBeGreaterThan(5);
    expect(status.history?.[0]).toMatchObject({ result: 'Reverted', revision: 'aep-backend-prod:12' });

    // 50% had been reached before the failure.
    expect(s.samples.some((x) => x.weights?.green === 50)).toBe(true);
    // The first bad minute is visible once it has ended and CloudWatch has published it; the revert
    // follows within one health interval (failFor 1m is shorter than that).
    const badSince = Date.parse(status.lastRevert?.failingSince as string);
    const published = badSince + PERIOD_MS + PUBLICATION_DELAY_MS;
    const restored = s.weightWrites.find((w) => BLUE_100(w) && w.at >= badSince);
    expect(restored?.at).toBeGreaterThanOrEqual(published);
    expect((restored?.at ?? Infinity) - badSince).toBeLessThanOrEqual(metricRevertBound(60_000, 15_000));

    // The failed colour is scaled down once traffic is read back on stable; the revision is not retried.
    await s.run(5 * 60_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBe(0);
    const held = await s.current();
    expect(held.phase).toBe('Degraded');
    // The pass after the revert onwards says why the revision is held, and how to release it.
    // "for …": how long it had been failing, from the first bad datapoint to the revert.
    expect(held.message).toMatch(/aep-backend-prod:12 is blocked \(errors: .*% > 5% for \dm\d*s?\).*keelson retry/);
    expect(s.events.filter((e) => e.type === 'RolloutStarted')).toHaveLength(1);
    expect(s.violations).toEqual([]);
  });
});
