import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import type { DirStateStore } from '../../src/store/dir-store.js';
import { keelson, tempFolder, writeStatuses } from './support/keelson.js';

const NAME = 'web-prod';
// Against the state store, who approves is the OS user, marked local:.
const ME = `local:${userInfo().username}`;
const status: ReleaseStatus = {
  phase: 'Paused',
  stableRevision: 'web:41',
  desiredRevision: 'web:42',
  lastOperationSeq: 0,
  approvals: { revision: 'web:42', granted: [{ by: 'alice', at: '2026-03-01T12:06:05.000Z' }], waiting: { required: 2, received: 1, group: 'release-managers', approvers: ['alice'] } },
  audit: {
    seq: 3,
    generation: 2,
    entries: [
      { seq: 1, at: '2026-03-01T12:00:00.000Z', by: 'source', what: 'SpecChanged', revision: 'web:42', sourceRevision: 'main@sha1:4f2c9e1', detail: 'generation 2 from main@sha1:4f2c9e1 asks for web:42' },
      { seq: 2, at: '2026-03-01T12:00:05.000Z', by: 'keelson', what: 'RolloutStarted', revision: 'web:42', fromRevision: 'web:41', sourceRevision: 'main@sha1:4f2c9e1', detail: 'rollout of web:42 on green started (3 steps)' },
      { seq: 3, at: '2026-03-01T12:06:05.000Z', by: 'alice', what: 'Approved', revision: 'web:42', sourceRevision: 'main@sha1:4f2c9e1', detail: 'web:42 approved by alice (1/2 from release-managers)' },
    ],
  },
};

describe('keelson approve and keelson history on a state folder', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let store: DirStateStore;
  const state = (): string[] => ['--state', `dir:${join(dir, 'state')}`];

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
    store = await writeStatuses(join(dir, 'state'), { [NAME]: status });
    await writeFile(join(dir, 'keelson.yaml'), `approvers:\n  release-managers: [alice, "${ME}"]\n`);
  });
  afterAll(() => remove());

  it('history prints who did what, when, to which revision, from which source revision', async () => {
    const { code, stdout, stderr } = await keelson(['history', NAME, ...state()], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+WHO\s+WHAT\s+REVISION\s+SOURCE REVISION\s+DETAIL$/);
    expect(lines[1]).toMatch(/^2026-03-01T12:00:00Z\s+source\s+SpecChanged\s+web:42\s+main@sha1:4f2c9e1\s+generation 2 from/);
    expect(lines[2]).toMatch(/^2026-03-01T12:00:05Z\s+keelson\s+RolloutStarted\s+web:41 → web:42\s+main@sha1:4f2c9e1\s+rollout of web:42/);
    expect(lines[3]).toMatch(/^2026-03-01T12:06:05Z\s+alice\s+Approved\s+web:42\s+main@sha1:4f2c9e1\s+web:42 approved by alice \(1\/2 from release-managers\)$/);
  });

  it('history -o json gives the entries as status keeps them', async () => {
    const { code, stdout } = await keelson(['history', NAME, '-o', 'json', ...state()], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ name: NAME, entries: status.audit!.entries });
  });

  it('approve records the approval for the revision the Release rolls out, with who', async () => {
    const { code, stdout, stderr } = await keelson(['approve', NAME, ...state()], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`approval of web:42 by ${ME} requested (operation #1)`);
    const ops = await store.listOperations(NAME, 0);
    expect(ops.map((o) => [o.seq, o.kind, o.requestedBy, o.requestedVia, o.revision])).toEqual([[1, 'approve', ME, 'local', 'web:42']]);
  });

  it('approve refuses someone outside the group the gate waits for, and records nothing', async () => {
    await writeFile(join(dir, 'keelson.yaml'), 'approvers:\n  release-managers: [alice, bob]\n');
    const { code, stdout, stderr } = await keelson(['approve', NAME, '--revision', 'web:42', ...state()], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(`keelson: approval refused: ${ME} is not a member of release-managers, the group whose approval web:42 waits for (keelson.yaml approvers: alice, bob)`);
    expect((await store.listOperations(NAME, 0)).map((o) => o.requestedBy)).toEqual([ME]);
  });

  it('history exits 1 for a Release it does not know', async () => {
    const { code, stderr } = await keelson(['history', 'ghost', ...state()], dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('keelson: release ghost not found');
  });
});
