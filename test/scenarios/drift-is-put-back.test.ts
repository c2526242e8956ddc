import { afterEach, describe, expect, it } from 'vitest';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('drift', () => {
  it('puts back a manual update-service and an edited weight within one resync, and says so', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(2 * 60_000);
    s.sim.outOfBand.updateService({ cluster: AEP.cluster, service: AEP.blue, taskDefinition: 'aep-backend-prod:13' });
    s.sim.outOfBand.setWeights({ listenerArn: AEP.listener }, [
      { targetGroupArn: AEP.blueTg, weight: 70 },
      { targetGroupArn: AEP.greenTg, weight: 30 },
    ]);
    await s.run(35_000);
    const status = await s.current();
    expect(familyRevision(s.sim.inspect.service(AEP.cluster, AEP.blue).taskDefinition)).toBe('aep-backend-prod:11');
    expect(s.sim.inspect.weights({ listenerArn: AEP.listener }).find((w) => w.targetGroupArn === AEP.blueTg)?.weight).toBe(100);
    const drifted = s.events.find((e) => e.type === 'DriftCorrected');
    expect(drifted?.reason).toMatch(/aep-backend-blue ran aep-backend-prod:13.*weights were blue 70 \/ green 30/);
    expect(status.phase).toBe('Healthy');

    // Once put back, the condition clears on the next pass.
    await s.run(35_000);
    expect((await s.current()).conditions?.find((c) => c.type === 'Drifted')).toBeUndefined();
  });

  it('never fights Application Auto Scaling over the desired count, but puts back a manual one', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.sim.outOfBand.setDesiredCount(AEP.cluster, AEP.blue, 5);
    await s.run(2 * 60_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).desiredCount).toBe(2);

    s.sim.outOfBand.registerScalableTarget(AEP.cluster, AEP.blue, { minCapacity: 2, maxCapacity: 10 });
    s.sim.outOfBand.setDesiredCount(AEP.cluster, AEP.blue, 6);
    await s.run(5 * 60_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).desiredCount).toBe(6);
    expect((await s.current()).phase).toBe('Healthy');
  });
});
