// Application Auto Scaling acting during a rollout: target tracking scales the canary colour out
// while it takes half the traffic. keelson must leave the count to it and judge the colour's
// targets by what is healthy, not by tasks that are still starting.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimWorld } from '../../src/sim/world.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const cpu50 = { name: 'cpu50', targetTracking: { targetValue: 50, predefinedMetric: 'ECSServiceAverageCPUUtilization' as const } };

/** Both colours scaled on CPU at 50%; revision 12 busy enough that half the traffic needs 4 tasks. */
function scaledWorld(world: SimWorld): void {
  const v12 = world.taskDefinitions.find((td) => td.family === 'aep-backend-prod' && td.revision === 12);
  if (!v12) throw new Error('demo world has no aep-backend-prod:12');
  // 25 requests a second on each of 2 tasks: 10% + 25 × 3% = 85%; target tracking asks for ceil(2 × 85 / 50) = 4.
  v12.profile = { ...v12.profile, cpu: { idle: 10, perRequest: 3 } };
  // AWS's default health checks (30 s × 5): a new task needs about three minutes to be healthy.
  const green = world.targetGroups.find((tg) => tg.arn === AEP.greenTg);
  if (green) delete green.healthCheck;
  world.scalableTargets = [
    { cluster: AEP.cluster, service: AEP.blue, minCapacity: 2, maxCapacity: 6, policies: [cpu50] },
    { cluster: AEP.cluster, service: AEP.green, minCapacity: 1, maxCapacity: 6, policies: [cpu50] },
  ];
}

describe('autoscaling during a canary', () => {
  it('target tracking scales the canary out at 50%: keelson neither fights the count nor counts starting tasks as unhealthy', async () => {
    const release = (revision: string) =>
      aepCanary(revision, (r) => {
        const canary = r.spec.strategy.canary;
        if (canary) canary.steps = [{ setWeight: 10 }, { pause: { duration: '2m' } }, { setWeight: 50 }, { analysis: { duration: '10m' } }, { setWeight: 100 }];
        delete r.spec.replicas;
      });
    s = await scenario({ world: await demoWorld(scaledWorld), release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(release('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 60 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ stableColour: 'green', weights: { blue: 0, green: 100 }, blockedRevision: null });
    expect(status.history?.[0]).toMatchObject({ revision: 'aep-backend-prod:12', result: 'Promoted' });

    // Auto Scaling scaled green out while it served 50%…
    const activities = await s.sim.provider(undefined).scaling.describeScalingActivities(AEP.cluster, AEP.green);
    const scaledOut = activities.find((a) => a.description === 'Setting desired count to 4.');
    expect(scaledOut?.cause).toMatch(/AlarmHigh.*triggered policy cpu50/);
    // …and keelson never set green's count after bringing it up, nor reverted.
    const greenCounts = s.sim.events.filter((e) => e.kind === 'service.scaled' && e.subject === AEP.green);
    const byKeelson = greenCounts.filter((e) => !e.detail.includes('Application Auto Scaling'));
    expect(byKeelson.map((e) => e.detail)).toEqual(['desiredCount 0 -> 2']);
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBeGreaterThanOrEqual(4);
    expect(s.events.map((e) => e.type)).not.toContain('Reverted');
    // The targets condition never failed on tasks that were only starting.
    expect(status.health?.find((h) => h.name === 'targets')?.state).toBe('Passing');
    expect(s.violations).toEqual([]);
  });

  it('owns the stable colour\'s count too: a scheduled scale-out mid-rollout is neither put back nor called drift', async () => {
    const world = await demoWorld((w) => {
      // 4 minutes into the run, while the canary holds 10%, blue's minimum goes to 4.
      const at = new Date(Date.parse(w.start ?? '') + 4 * 60_000).toISOString().slice(0, 19);
      w.scalableTargets = [
        { cluster: AEP.cluster, service: AEP.blue, minCapacity: 2, maxCapacity: 6, policies: [cpu50], scheduledActions: [{ name: 'prewarm', schedule: `at(${at})`, minCapacity: 4 }] },
      ];
    });
    const release = (revision: string) =>
      aepCanary(revision, (r) => {
        const canary = r.spec.strategy.canary;
        if (canary) canary.steps = [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 100 }];
      });
    s = await scenario({ world, release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(release('aep-backend-prod:12'));
    await s.run(5 * 60_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).desiredCount).toBe(4);
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 30 * 60_000);

    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).desiredCount).toBe(4);
    const blueCounts = s.sim.events.filter((e) => e.kind === 'service.scaled' && e.subject === AEP.blue).map((e) => e.detail);
    expect(blueCounts).toEqual(['desiredCount 2 -> 4 (Application Auto Scaling)']);
    expect(s.events.map((e) => e.type)).not.toContain('DriftCorrected');
    expect(s.violations).toEqual([]);
  });
});
