import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Release } from '../../src/api/types.js';
import { formatHistory } from '../../src/cli/history-format.js';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { aepCanary } from './support/releases.js';
import { demoWorld } from './support/scenario.js';

const NAME = 'aep-backend-prod';
const stages: Stage[] = [];
let folder: string | undefined;
afterEach(async () => {
  for (const s of stages.splice(0)) await s.close().catch(() => undefined);
  if (folder) await rm(folder, { recursive: true, force: true });
});

const gated = (revision: string): Release =>
  aepCanary(revision, (r) => {
    r.spec.strategy.canary!.steps = [{ approval: { required: 2, group: 'release-managers' } }, { setWeight: 50 }, { setWeight: 100 }];
    r.spec.rollback = { auto: true, bakeTime: '2m' };
  });

async function until(stage: Stage, store: DirStateStore, done: (s: Awaited<ReturnType<DirStateStore['getStatus']>>) => boolean, limitMs: number): Promise<void> {
  const end = stage.clock.now() + limitMs;
  while (stage.clock.now() < end) {
    await stage.advance(5_000, { stepMs: 5_000 });
    if (done(await store.getStatus(NAME))) return;
  }
  throw new Error(`not reached: ${JSON.stringify(await store.getStatus(NAME)).slice(0, 1500)}`);
}

async function approve(stage: Stage, by: string): Promise<void> {
  await stage.store.requestOperation({ release: NAME, kind: 'approve', requestedAt: stage.clock.now(), requestedBy: by });
  stage.controller.enqueue(NAME);
  await stage.advance(15_000, { stepMs: 5_000 });
}

const summary = (entries: AuditEntry[]) => entries.map((e) => `${e.what} ${e.by}`);

describe('the audit history', () => {
  it('shows spec change, rollout, approvals, steps, promotion and a revert with its evidence, and survives a controller restart', async () => {
    folder = await mkdtemp(join(tmpdir(), 'keelson-history-'));
    const store = new DirStateStore({ folder });
    const world = await demoWorld((w) => {
      w.approvers = { 'release-managers': ['alice', 'bob'] };
      w.faults = [{ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:13', at: '20m', errorRate: 0.3 }];
      w.taskDefinitions.push({ ...structuredClone(w.taskDefinitions.find((t) => t.family === 'aep-backend-prod' && t.revision === 12)!), revision: 13 });
    });
    const first = await createStage({ world, store, holder: 'controller-a' });
    stages.push(first);
    first.source.apply(gated('aep-backend-prod:11'));
    await first.advance(60_000, { stepMs: 5_000 });
    const v12 = first.source.apply(gated('aep-backend-prod:12'));
    await until(first, store, (s) => s?.phase === 'Paused', 10 * 60_000);
    await approve(first, 'alice');
    await approve(first, 'bob');
    await until(first, store, (s) => s?.phase === 'Healthy' && s.stableRevision === 'aep-backend-prod:12', 30 * 60_000);

    const promoted = (await store.getStatus(NAME))!.audit!.entries;
    expect(summary(promoted)).toEqual([
      'SpecChanged source',
      'SpecChanged source',
      'RolloutStarted keelson',
      'AwaitingApproval keelson',
      'Approved alice',
      'Approved bob',
      'StepReached keelson',
      'StepReached keelson',
      'StepReached keelson',
      'Promoted keelson',
    ]);
    expect(promoted.map((e) => e.seq)).toEqual(promoted.map((_, i) => i + 1));
    const rollout = promoted.slice(1);
    expect(rollout.every((e) => e.sourceRevision === v12.sourceRevision)).toBe(true);
    expect(promoted[4]).toMatchObject({ what: 'Approved', by: 'alice', revision: 'aep-backend-prod:12' });
    expect(promoted[5]?.detail).toBe('aep-backend-prod:12 approved by bob (2/2 from release-managers)');

    // The controller is replaced: the new one carries on from the stored history, repeating nothing.
    await first.close();
    stages.length = 0;
    const second = await createStage({ world, clock: first.clock, sim: first.sim, store, source: first.source, holder: 'controller-b' });
    stages.push(second);
    await second.advance(2 * 60_000, { stepMs: 5_000 });
    expect((await store.getStatus(NAME))!.audit!.entries).toEqual(promoted);

    // aep-backend-prod:13 is approved too, and turns bad after 50%: reverted, with the evidence.
    second.source.apply(gated('aep-backend-prod:13'));
    await until(second, store, (s) => s?.phase === 'Paused' && s.desiredRevision === 'aep-backend-prod:13', 10 * 60_000);
    await approve(second, 'alice');
    await approve(second, 'bob');
    await until(second, store, (s) => s?.phase === 'Degraded' && !s.rollout, 60 * 60_000);

    const entries = (await store.getStatus(NAME))!.audit!.entries;
    expect(entries.slice(0, promoted.length)).toEqual(promoted);
    const reverted = entries.find((e) => e.what === 'Reverted');
    expect(reverted).toMatchObject({ by: 'keelson', fromRevision: 'aep-backend-prod:13', revision: 'aep-backend-prod:12', evidence: { condition: 'errors', revision: 'aep-backend-prod:13' } });
    expect(reverted?.evidence?.value).toBeGreaterThan(5);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));

    const table = formatHistory(entries);
    expect(table.split('\n')[0]).toMatch(/^TIME\s+WHO\s+WHAT\s+REVISION\s+SOURCE REVISION\s+DETAIL$/);
    expect(table).toMatch(/alice\s+Approved\s+aep-backend-prod:12\s+memory@\w+\s+aep-backend-prod:12 approved by alice \(1\/2 from release-managers\)/);
    expect(table).toMatch(/keelson\s+Reverted\s+aep-backend-prod:13 → aep-backend-prod:12 .*\[condition errors, value [\d.]+, threshold/);
  });
});
