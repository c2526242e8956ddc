import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalGate } from '../../src/api/types.js';
import type { OperationRequest } from '../../src/store/store.js';
import { AEP, aepCanary, aepRevision } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const NAME = 'aep-backend-prod';
const GROUPS = { 'release-managers': ['alice', 'bob', 'carol'] };

/** The canary with an approval gate before its first traffic (runbook 004: 2 approvers for production). */
const gated = (revision: string, gate: ApprovalGate = { required: 2, group: 'release-managers' }) =>
  aepCanary(revision, (r) => {
    r.spec.strategy.canary!.steps = [{ approval: gate }, { setWeight: 50 }, { setWeight: 100 }];
    r.spec.rollback = { auto: true, bakeTime: '2m' };
  });

async function start(gate?: ApprovalGate, change: Parameters<typeof demoWorld>[0] = () => {}): Promise<Scenario> {
  const world = await demoWorld((w) => {
    w.approvers = GROUPS;
    change(w);
  });
  const sc = await scenario({ world, release: gated('aep-backend-prod:11', gate), listener: { listenerArn: AEP.listener } });
  await sc.run(60_000);
  sc.apply(gated('aep-backend-prod:12', gate));
  await sc.runUntil((st) => st?.phase === 'Paused', 10 * 60_000);
  return sc;
}

async function approve(sc: Scenario, by: string, revision?: string): Promise<void> {
  const op: Omit<OperationRequest, 'seq'> = { release: NAME, kind: 'approve', requestedAt: sc.clock.now(), requestedBy: by, ...(revision ? { revision } : {}) };
  await sc.store.requestOperation(op);
  sc.controller.enqueue(NAME);
  await sc.run(15_000);
}

describe('an approval gate before the first traffic', () => {
  it('waits Paused with no traffic on the new colour, says how to approve, and never reverts for the deadline', async () => {
    s = await start();
    await s.run(60 * 60_000, 60_000); // far beyond progressDeadline (10m)
    const status = await s.current();
    expect(status.phase).toBe('Paused');
    expect(status.weights).toEqual({ blue: 100, green: 0 });
    expect(status.message).toContain('waiting for approval 0/2 from release-managers');
    expect(status.message).toContain('keelson approve aep-backend-prod --revision aep-backend-prod:12');
    expect(status.conditions?.find((c) => c.type === 'Paused')?.reason).toBe('AwaitingApproval');
    expect(status.approvals?.waiting).toMatchObject({ required: 2, received: 0, group: 'release-managers' });
    expect(status.history ?? []).toEqual([]);
    const waiting = s.events.filter((e) => e.type === 'AwaitingApproval');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.approval?.howTo).toBe('keelson approve aep-backend-prod --revision aep-backend-prod:12');
    expect(s.events.filter((e) => e.type === 'Paused')).toHaveLength(0);
  });

  it('one person approving twice is not enough; a second distinct person lets the rollout through', async () => {
    s = await start();
    await approve(s, 'alice');
    await approve(s, 'alice');
    await s.run(5 * 60_000, 30_000);
    let status = await s.current();
    expect(status.phase).toBe('Paused');
    expect(status.weights).toEqual({ blue: 100, green: 0 });
    expect(status.approvals?.granted.map((g) => g.by)).toEqual(['alice']);
    expect(status.message).toContain('waiting for approval 1/2 from release-managers');

    await approve(s, 'bob');
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 30 * 60_000);
    status = await s.current();
    expect(status.weights).toEqual({ blue: 0, green: 100 });
    expect(s.events.filter((e) => e.type === 'Approved').map((e) => e.by)).toEqual(['alice', 'alice', 'bob']);
    expect(s.violations).toEqual([]);
  });

  it('refuses someone outside the group, and says so in status and in an event', async () => {
    s = await start();
    await approve(s, 'mallory');
    await approve(s, 'alice');
    const status = await s.current();
    expect(status.phase).toBe('Paused');
    expect(status.approvals?.granted.map((g) => g.by)).toEqual(['alice']);
    expect(status.approvals?.refused?.[0]).toMatchObject({ by: 'mallory', reason: 'mallory is not a member of release-managers (keelson.yaml approvers)' });
    expect(s.events.find((e) => e.type === 'ApprovalRefused')).toMatchObject({ by: 'mallory' });
  });

  it('an approval of an older revision does not count for a new one, and a new revision needs new approvals', async () => {
    s = await start(undefined, (w) => w.taskDefinitions.push(aepRevision(13, {})));
    await approve(s, 'alice');
    await approve(s, 'bob', 'aep-backend-prod:11');
    let status = await s.current();
    expect(status.approvals?.granted.map((g) => g.by)).toEqual(['alice']);
    expect(status.approvals?.refused?.[0]).toMatchObject({ by: 'bob', revision: 'aep-backend-prod:11' });
    expect(status.approvals?.refused?.[0]?.reason).toContain('counts only for the revision it names');

    s.apply(gated('aep-backend-prod:13'));
    await s.runUntil((st) => st?.desiredRevision === 'aep-backend-prod:13' && st.phase === 'Paused', 10 * 60_000);
    await approve(s, 'bob', 'aep-backend-prod:12'); // too late: the spec moved on
    status = await s.current();
    expect(status.approvals).toMatchObject({ revision: 'aep-backend-prod:13', granted: [] });
    expect(status.approvals?.waiting).toMatchObject({ received: 0, required: 2 });
    expect(status.weights).toEqual({ blue: 100, green: 0 });
  });

  it('an expired approval does not count', async () => {
    s = await start({ required: 2, group: 'release-managers', expiresAfter: '30m' });
    await approve(s, 'alice');
    await s.run(31 * 60_000, 60_000);
    let status = await s.current();
    expect(status.approvals?.waiting).toMatchObject({ received: 0, approvers: [] });
    await approve(s, 'bob');
    await s.run(5 * 60_000, 30_000);
    status = await s.current();
    expect(status.phase).toBe('Paused');
    expect(status.weights).toEqual({ blue: 100, green: 0 });
    expect(status.approvals?.waiting).toMatchObject({ received: 1, approvers: ['bob'] });
  });

  it('a promote does not pass the gate; an abort while waiting still sends the rollout back', async () => {
    s = await start();
    await s.store.requestOperation({ release: NAME, kind: 'promoteFull', requestedAt: s.clock.now(), requestedBy: 'dave' });
    s.controller.enqueue(NAME);
    await s.run(2 * 60_000, 15_000);
    expect(await s.current()).toMatchObject({ phase: 'Paused', weights: { blue: 100, green: 0 } });

    await s.store.requestOperation({ release: NAME, kind: 'abort', requestedAt: s.clock.now(), requestedBy: 'erin' });
    s.controller.enqueue(NAME);
    await s.runUntil((st) => st?.phase === 'Aborted' && !st.rollout, 5 * 60_000);
    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect(status.approvals?.waiting ?? null).toBeNull();
  });
});
