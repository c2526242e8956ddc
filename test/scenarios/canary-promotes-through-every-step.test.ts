import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('a healthy canary', () => {
  it('walks 10% → 50% → 100%, bakes, promotes, and scales the old colour down after the delay', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    expect(await s.current()).toMatchObject({ phase: 'Healthy', stableRevision: 'aep-backend-prod:11', stableColour: 'blue', weights: { blue: 100, green: 0 } });

    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 40 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ stableColour: 'green', weights: { blue: 0, green: 100 }, blockedRevision: null, desiredRevision: 'aep-backend-prod:12' });
    expect(status.history?.[0]).toMatchObject({ revision: 'aep-backend-prod:12', fromRevision: 'aep-backend-prod:11', result: 'Promoted' });

    // The weights a user would have seen, in order, each held before the next.
    const seen = s.samples.map((x) => x.weights?.green).filter((g, i, all) => g !== undefined && g !== all[i - 1]);
    expect(seen).toEqual([0, 10, 50, 100]);
    expect(s.events.map((e) => e.type)).toEqual(['RolloutStarted', 'StepReached', 'StepReached', 'StepReached', 'StepReached', 'StepReached', 'Promoted']);
    expect(s.violations).toEqual([]);

    // Old colour stays warm for scaleDownDelay (1h), then goes to zero.
    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).desiredCount).toBe(2);
    await s.run(65 * 60_000, 30_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).desiredCount).toBe(0);
    expect(s.violations).toEqual([]);
  });
});
