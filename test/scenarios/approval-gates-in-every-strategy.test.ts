import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../src/api/types.js';
import { AEP, aepCanary, aepFrontendRolling, WEB, webRelease } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const GROUPS = { 'release-managers': ['alice', 'bob'] };

async function approve(sc: Scenario, release: string, by: string): Promise<void> {
  await sc.store.requestOperation({ release, kind: 'approve', requestedAt: sc.clock.now(), requestedBy: by });
  sc.controller.enqueue(release);
  await sc.run(15_000);
}

const frontend = (revision: string): Release =>
  aepFrontendRolling(revision, (r) => {
    r.spec.strategy = { rolling: { service: 'aep-frontend-prod-svc', approval: { required: 1, group: 'release-managers' } } };
    r.spec.rollback = { bakeTime: '2m' };
    r.spec.progressDeadline = '10m';
  });

describe('an approval gate', () => {
  it('rolling: holds the new revision before it starts, past the progress deadline, then rolls it once approved', async () => {
    s = await scenario({ world: await demoWorld((w) => (w.approvers = GROUPS)), release: frontend('aep-frontend-prod:7') });
    await s.run(60_000);
    s.apply(frontend('aep-frontend-prod:8'));
    await s.run(30 * 60_000, 60_000);
    const waiting = await s.current();
    expect(waiting.phase).toBe('Paused');
    expect(waiting.message).toContain('waiting for approval 0/1 from release-managers');
    expect(s.sim.inspect.service('aep-prod', 'aep-frontend-prod-svc').taskDefinition).toMatch(/aep-frontend-prod:7$/);

    await approve(s, 'aep-frontend-prod', 'alice');
    // The 30 minutes waited do not count against the deadline: the new tasks get their own 10 minutes.
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-frontend-prod:8', 20 * 60_000);
    expect((await s.current()).history?.[0]).toMatchObject({ result: 'Promoted', revision: 'aep-frontend-prod:8' });
  });

  it('blueGreen: brings the new colour up, then holds the switch until approved', async () => {
    const web = (revision: string) =>
      webRelease(revision, (r) => {
        r.spec.strategy.blueGreen!.approval = { required: 2, group: 'release-managers', expiresAfter: '24h' };
        r.spec.rollback = { bakeTime: '2m' };
      });
    s = await scenario({ world: await demoWorld((w) => (w.approvers = GROUPS)), release: web('web:41') });
    await s.run(60_000);
    s.apply(web('web:42'));
    await s.runUntil((st) => st?.phase === 'Paused', 15 * 60_000);
    await s.run(20 * 60_000, 60_000);
    const waiting = await s.current();
    expect(waiting).toMatchObject({ phase: 'Paused', weights: { blue: 100, green: 0 } });
    expect(waiting.message).toContain('approval by 2 people from release-managers');
    expect(s.sim.inspect.service(WEB.cluster, 'web-green').runningCount).toBe(2);

    await approve(s, 'web-prod', 'alice');
    await approve(s, 'web-prod', 'bob');
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'web:42', 20 * 60_000);
    expect((await s.current()).weights).toEqual({ blue: 0, green: 100 });
  });

  it('canary: a condition failing while the gate waits at 10% still reverts', async () => {
    const world = await demoWorld((w) => {
      w.approvers = GROUPS;
      w.faults = [{ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at: '6m', errorRate: 0.3 }];
    });
    const gated = (revision: string) =>
      aepCanary(revision, (r) => {
        r.spec.strategy.canary!.steps = [{ setWeight: 10 }, { approval: { group: 'release-managers' } }, { setWeight: 100 }];
      });
    s = await scenario({ world, release: gated('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(gated('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Paused', 10 * 60_000);
    expect((await s.current()).weights).toEqual({ blue: 90, green: 10 });
    await s.runUntil((st) => st?.phase === 'Degraded' && !st.rollout, 20 * 60_000);
    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect(status.lastRevert).toMatchObject({ condition: 'errors', revision: 'aep-backend-prod:12' });
    expect(status.approvals?.waiting ?? null).toBeNull();
    expect(s.violations).toEqual([]);
  });
});
