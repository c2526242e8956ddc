import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, aepRevision } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('a new revision written mid-rollout', () => {
  it('puts traffic back on stable first, then rolls the newest revision out from the first step', async () => {
    const world = await demoWorld((w) => w.taskDefinitions.push(aepRevision(14, {})));
    s = await scenario({ world, release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 10, 10 * 60_000);

    s.apply(aepCanary('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:14', 40 * 60_000);
    const status = await s.current();
    expect(status.history?.map((h) => [h.revision, h.result])).toEqual([
      ['aep-backend-prod:14', 'Promoted'],
      ['aep-backend-prod:12', 'Superseded'],
    ]);
    expect(status.blockedRevision).toBeNull();
    // Between the two rollouts the green colour went back to 0% before 14 took any traffic.
    const greens = s.weightWrites.map((w) => w.weights.find((x) => x.targetGroupArn === AEP.greenTg)?.weight);
    expect(greens).toEqual([10, 0, 10, 50, 100]);
    expect(s.violations).toEqual([]);
  });
});
