import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('a throttling storm during a rollout', () => {
  it('resumes once the storm passes, with no step repeated and no extra deployment', async () => {
    const world = await demoWorld((w) => {
      w.faults = [
        { kind: 'throttle', service: 'ecs', at: '2m', for: '5m', probability: 0.6 },
        { kind: 'throttle', service: 'elbv2', at: '2m', for: '5m', probability: 0.5 },
        { kind: 'serverError', service: 'cloudwatch', at: '3m', for: '2m', probability: 0.5 },
      ];
    });
    s = await scenario({ world, release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 60 * 60_000);

    const rejected = Object.values(s.sim.rejectedCalls).reduce((sum, byCode) => sum + (byCode.Throttled ?? 0), 0);
    expect(rejected).toBeGreaterThan(10);
    const greenDeployments = s.sim.events.filter((e) => e.kind === 'deployment.created' && e.subject.includes(AEP.green) && e.at > s!.startedAt);
    expect(greenDeployments).toHaveLength(1);
    const reached = s.events.filter((e) => e.type === 'StepReached').map((e) => e.step?.index);
    expect(reached).toEqual([0, 1, 2, 3, 4]);
    const greens = s.weightWrites.map((w) => w.weights.find((x) => x.targetGroupArn === AEP.greenTg)?.weight);
    expect(greens).toEqual([10, 50, 100]);
    expect(s.violations).toEqual([]);
  });
});
