import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('unhealthy targets in the new colour', () => {
  it('reverts once targets have been unhealthy for the 3 minutes the condition allows', async () => {
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'targetsUnhealthy', targetGroup: AEP.greenTg, at: '5m', for: '10m' }];
    });
    s = await scenario({ world, release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 20 * 60_000);
    const status = await s.current();
    expect(status.lastRevert).toMatchObject({ condition: 'targets', failFor: '3m' });
    expect(status.lastRevert?.value).toBeGreaterThan(0);
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect(s.violations).toEqual([]);
  });
});
