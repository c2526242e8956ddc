import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../src/api/types.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const STABLE = 'aep-backend-prod:11';
const restartAt = (iso: string): Release => aepCanary(STABLE, (r) => (r.spec.restartAt = iso));
const greenWeights = (sc: Scenario): number[] =>
  sc.weightWrites.map((w) => w.weights.find((x) => x.targetGroupArn === AEP.greenTg)?.weight ?? 0);

describe('restarting the stable revision (a rotated secret)', () => {
  it('canaries new tasks of the same task definition, step by step, when spec.restartAt comes', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary(STABLE), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    const oldBlueTasks = s.sim.inspect.tasks(AEP.cluster, AEP.blue).map((t) => t.arn);
    const asked = new Date(s.clock.now()).toISOString();
    s.apply(restartAt(asked));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.history?.[0]?.reason === 'restart', 30 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: STABLE, stableColour: 'green', restartedAt: expect.any(String), restart: null, blockedRevision: null });
    expect(status.history?.[0]).toMatchObject({ revision: STABLE, fromRevision: STABLE, result: 'Promoted', reason: 'restart', restart: { requestedAt: asked } });
    const started = s.events.find((e) => e.type === 'RolloutStarted');
    expect(started).toMatchObject({ reason: 'restart', fromRevision: STABLE, toRevision: STABLE });
    // The new tasks took traffic the way any change does: 10%, 50%, then all of it.
    expect(greenWeights(s)).toEqual([10, 50, 100]);
    const green = s.sim.inspect.tasks(AEP.cluster, AEP.green);
    expect(green.length).toBe(2);
    expect(green.every((t) => t.taskDefinition.endsWith(`/${STABLE}`) && (t.startedAt ?? 0) >= Date.parse(asked))).toBe(true);
    expect(green.some((t) => oldBlueTasks.includes(t.arn))).toBe(false);

    // Done once: the same restartAt does not restart again.
    await s.run(20 * 60_000, 60_000);
    expect(s.events.filter((e) => e.type === 'RolloutStarted')).toHaveLength(1);
    expect(s.violations).toEqual([]);
  });

  it('reverts to the old tasks when the new ones are unhealthy, without blocking the stable revision', async () => {
    // The rotated secret is wrong: only tasks started after the rotation fail a third of their requests.
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'revisionTurnsBad', taskDefinition: STABLE, at: '2m', errorRate: 0.3, newTasksOnly: true }];
    });
    s = await scenario({ world, release: aepCanary(STABLE), listener: { listenerArn: AEP.listener } });
    await s.run(3 * 60_000);
    const asked = new Date(s.clock.now()).toISOString();
    s.apply(restartAt(asked));
    await s.runUntil((st) => st?.history?.[0]?.result === 'Reverted' && st.rollout === null, 30 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: STABLE, stableColour: 'blue', blockedRevision: null, weights: { blue: 100, green: 0 } });
    expect(status.lastRevert).toMatchObject({ revision: STABLE, condition: 'errors' });
    expect(status.history?.[0]).toMatchObject({ result: 'Reverted', restart: { requestedAt: asked } });
    expect(Math.max(...greenWeights(s))).toBe(10);
    expect(s.events.filter((e) => e.type === 'Reverted')).toHaveLength(1);
    // The old tasks kept serving throughout; the new ones go.
    await s.run(2 * 60_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.blue).runningCount).toBe(2);
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBe(0);
    expect(s.violations).toEqual([]);
  });

  it('treats keelson restart exactly like a newer restartAt, and records who asked', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary(STABLE), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'restart', requestedAt: s.clock.now(), requestedBy: 'alice' });
    s.controller.enqueue('aep-backend-prod');
    await s.runUntil((st) => st?.phase === 'Healthy' && st.history?.[0]?.reason === 'restart', 30 * 60_000);

    const status = await s.current();
    expect(status.history?.[0]?.restart).toMatchObject({ requestedBy: 'alice' });
    expect(s.events.find((e) => e.type === 'RolloutStarted')).toMatchObject({ reason: 'restart', by: 'alice' });
    expect(greenWeights(s)).toEqual([10, 50, 100]);
    expect(s.violations).toEqual([]);
  });
});
