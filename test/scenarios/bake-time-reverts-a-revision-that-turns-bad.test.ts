import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, BLUE_100 } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('bake time', () => {
  it('reverts a revision that turns bad 5 minutes after reaching 100%, to the colour kept warm', async () => {
    const world = await demoWorld();
    const release = (revision: string) => aepCanary(revision, (r) => (r.spec.rollback = { auto: true, bakeTime: '15m' }));
    s = await scenario({ world, release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(release('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 100, 20 * 60_000);
    const fullAt = s.clock.now();
    expect((await s.current()).message).toContain('baking');
    s.sim.outOfBand.addFault({ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at: `${Math.round((fullAt - s.startedAt) / 1000) + 300}s`, errorRate: 0.3 });

    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 15 * 60_000);
    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', stableColour: 'blue', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect(status.lastRevert).toMatchObject({ condition: 'errors' });
    expect(status.history?.[0]).toMatchObject({ result: 'Reverted' });
    expect(status.history?.some((h) => h.result === 'Promoted' && h.revision === 'aep-backend-prod:12')).toBe(false);
    const revertedAt = s.weightWrites.findLast((w) => BLUE_100(w))?.at as number;
    expect(revertedAt - fullAt).toBeGreaterThan(5 * 60_000);
    expect(revertedAt - fullAt).toBeLessThan(15 * 60_000);
    expect(s.violations).toEqual([]);
  });
});
