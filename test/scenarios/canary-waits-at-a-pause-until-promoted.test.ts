import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const withManualGate = (revision: string) =>
  aepCanary(revision, (r) => {
    r.spec.strategy.canary!.steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }];
  });

describe('a manual pause', () => {
  it('holds at 20% for as long as nobody promotes, then continues when someone does', async () => {
    s = await scenario({ world: await demoWorld(), release: withManualGate('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(withManualGate('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Paused', 10 * 60_000);
    await s.run(60 * 60_000, 60_000);
    expect(await s.current()).toMatchObject({ phase: 'Paused', weights: { blue: 80, green: 20 }, currentStepIndex: 1 });
    expect(s.events.filter((e) => e.type === 'Paused')).toHaveLength(1);

    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'promote', requestedAt: s.clock.now(), requestedBy: 'alice' });
    s.controller.enqueue('aep-backend-prod');
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 15 * 60_000);
    const status = await s.current();
    expect(status.weights).toEqual({ blue: 0, green: 100 });
    expect(status.lastOperationSeq).toBe(1);
    expect(s.violations).toEqual([]);
  });
});
