// Found by the chaos trials (seed 59): a manifest removed mid-rollout and put back after its
// progress deadline. The first pass after that queued the step's weights, then found the deadline
// gone and reverted in the same pass: status said 100% on stable while the queued write sent
// 10% to the new colour. A pass now writes only the weights it decided last.
import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, BLUE_100 } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('a rollout whose progress deadline runs out as it is about to move traffic', () => {
  it('reverts without sending the step weight to the new colour, and status matches the listener', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    const next = aepCanary('aep-backend-prod:12', (r) => (r.spec.progressDeadline = '5m'));
    s.apply(next);
    await s.run(10_000);
    expect((await s.current()).rollout?.stepReachedAt ?? null).toBeNull();

    s.source.remove(next.metadata.name);
    await s.run(6 * 60_000);
    expect((await s.current()).phase).toBe('Orphaned');
    s.apply(next);
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 5 * 60_000);

    const status = await s.current();
    expect(status.lastRevert?.condition).toBe('progressDeadline');
    expect(status.weights).toEqual({ blue: 100, green: 0 });
    expect(BLUE_100({ weights: s.sim.inspect.weights({ listenerArn: AEP.listener }) })).toBe(true);
    expect(s.weightWrites.filter((w) => w.weights.some((x) => x.targetGroupArn === AEP.greenTg && x.weight > 0))).toEqual([]);
    expect(s.violations).toEqual([]);
  });
});
