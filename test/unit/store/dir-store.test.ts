import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirStateStore } from '../../../src/store/dir-store.js';
import { FaultyFileSystem, type FaultCode } from '../../helpers/faulty-fs.js';
import { status } from '../../helpers/statuses.js';
import { stateStoreContract } from './state-store-contract.js';

const roots: string[] = [];
async function newFolder(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'keelson-state-'));
  roots.push(root);
  return root;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

stateStoreContract('DirStateStore', async () => new DirStateStore({ folder: await newFolder() }));

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('DirStateStore files', () => {
  it('lays out status, operations and leases as documented and leaves no temp or lock files', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    const lease = (await store.acquire('controller', 'a', 15_000, 0))!;
    await store.putStatus('web', status('Healthy'), { lease: 'controller', token: lease.token });
    await store.putStatus('web', status('Progressing'), { lease: 'controller', token: lease.token });
    await store.requestOperation({ release: 'web', kind: 'promote', requestedAt: 0 });
    expect(await allFiles(folder)).toEqual(['leases/controller.json', 'operations/web.jsonl', 'status/web.json']);
  });

  it('still reads the old status when a write died between the temp file and the rename', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    const lease = (await store.acquire('controller', 'a', 15_000, 0))!;
    await store.putStatus('web', status('Healthy'), { lease: 'controller', token: lease.token });
    // What a crash leaves: a half-written temp file beside the real one.
    await writeFile(join(folder, 'status', '.web.json.4242.0a1b2c3d.tmp'), '{"phase": "Degr');
    const restarted = new DirStateStore({ folder });
    expect((await restarted.getStatus('web'))?.phase).toBe('Healthy');
    expect([...(await restarted.listStatuses()).keys()]).toEqual(['web']);
  });

  it('takes over a lock file left by a process that no longer runs', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    await store.acquire('controller', 'a', 15_000, 0);
    await writeFile(join(folder, 'leases', 'controller.lock'), '999999999');
    expect(await store.acquire('controller', 'a', 15_000, 1_000)).toMatchObject({ holder: 'a', expiresAt: 16_000 });
  });
});

describe('DirStateStore and an earlier status shape', () => {
  it('reads a finished rollout written by an earlier keelson as today\'s warm colour', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    const lease = (await store.acquire('controller', 'a', 15_000, 0))!;
    await store.putStatus('web', status('Healthy'), { lease: lease.name, token: lease.token });
    const rollout = { revision: 'web:2', fromRevision: 'web:1', colour: 'green', generation: 1, startedAt: '2026-03-02T09:00:00.000Z', stepIndex: 1, stepStartedAt: '2026-03-02T09:00:00.000Z' };
    const old = { phase: 'Healthy', stableRevision: 'web:2', rollout: { ...rollout, completedAt: '2026-03-02T09:10:00.000Z', scaleDownAt: '2026-03-02T10:10:00.000Z' } };
    await writeFile(join(folder, 'status', 'web.json'), JSON.stringify(old));
    const expected = { rollout: null, warmColour: { colour: 'blue', revision: 'web:1', scaleDownAt: '2026-03-02T10:10:00.000Z' } };
    expect(await store.getStatus('web')).toMatchObject(expected);
    expect((await store.listStatuses()).get('web')).toMatchObject(expected);
  });
});

describe('DirStateStore locks left behind', () => {
  const lockFile = (folder: string): string => join(folder, 'leases', 'controller.lock');

  it('takes over an empty lock file, as a full disk left it', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    await store.acquire('controller', 'a', 15_000, 0);
    await writeFile(lockFile(folder), '');
    expect(await store.acquire('controller', 'a', 15_000, 1_000)).toMatchObject({ holder: 'a', expiresAt: 16_000 });
  });

  it.each([
    ['keelson\'s own pid, as PID 1 in its container after a restart', String(process.pid)],
    ['the pid of a process that runs (init)', '1'],
    ['text that is not a pid', '\u0000\u0001garbage'],
  ])('takes over a lock file naming %s', async (_, content) => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    await store.acquire('controller', 'a', 15_000, 0);
    await writeFile(lockFile(folder), content);
    expect(await store.acquire('controller', 'a', 15_000, 1_000)).toMatchObject({ holder: 'a', expiresAt: 16_000 });
    expect(await allFiles(folder)).toEqual(['leases/controller.json']);
  });

  it('takes over a lock nobody has touched for the stale time, whoever made it', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder });
    await store.acquire('controller', 'a', 15_000, 0);
    await mkdir(lockFile(folder));
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockFile(folder), longAgo, longAgo);
    await store.putStatus('web', status('Healthy'), { lease: 'controller', token: 1 });
    expect((await store.getStatus('web'))?.phase).toBe('Healthy');
  });

  it('fails at once with StoreUnavailable (Locked) while another process keeps its lock fresh, and goes on once it is gone', async () => {
    const folder = await newFolder();
    const store = new DirStateStore({ folder, lock: { retries: 0 } });
    await store.acquire('controller', 'a', 15_000, 0);
    await mkdir(lockFile(folder)); // touched just now
    await expect(store.putStatus('web', status('Healthy'), { lease: 'controller', token: 1 })).rejects.toMatchObject({
      code: 'StoreUnavailable',
      reason: 'Locked',
      message: expect.stringContaining('controller.lock is held by another process'),
    });
    await rm(lockFile(folder), { recursive: true });
    await store.putStatus('web', status('Healthy'), { lease: 'controller', token: 1 });
    expect((await store.getStatus('web'))?.phase).toBe('Healthy');
  });
});

describe('DirStateStore on a disk that refuses writes', () => {
  it.each(['ENOSPC', 'EROFS', 'EACCES'] satisfies FaultCode[])(
    'fails every write with StoreUnavailable (%s), leaves no lock or temp file, and works again once the disk does',
    async (code) => {
      const folder = await newFolder();
      const files = new FaultyFileSystem();
      const store = new DirStateStore({ folder, fs: files });
      const lease = (await store.acquire('controller', 'a', 15_000, 0))!;
      const fence = { lease: 'controller', token: lease.token };
      await store.putStatus('web', status('Healthy'), fence);

      files.fail(code);
      const refused = { code: 'StoreUnavailable', reason: code, message: expect.stringContaining(code) };
      await expect(store.putStatus('web', status('Progressing'), fence)).rejects.toMatchObject(refused);
      await expect(store.acquire('controller', 'a', 15_000, 1_000)).rejects.toMatchObject(refused);
      await expect(store.requestOperation({ release: 'web', kind: 'promote', requestedAt: 1 })).rejects.toMatchObject(refused);
      expect(files.refused).toBeGreaterThan(0);
      // Reads still answer, with what was last written.
      expect((await store.getStatus('web'))?.phase).toBe('Healthy');

      files.heal();
      expect(await store.acquire('controller', 'a', 15_000, 2_000)).toMatchObject({ token: lease.token, expiresAt: 17_000 });
      await store.putStatus('web', status('Progressing'), fence);
      expect((await store.getStatus('web'))?.phase).toBe('Progressing');
      expect(await allFiles(folder)).toEqual(['leases/controller.json', 'status/web.json']);
    },
  );

  it('removes the temp file of a write the disk ran out of space for, keeping the old file whole', async () => {
    const folder = await newFolder();
    const files = new FaultyFileSystem();
    const store = new DirStateStore({ folder, fs: files });
    const lease = (await store.acquire('controller', 'a', 15_000, 0))!;
    await store.putStatus('web', status('Healthy'), { lease: 'controller', token: lease.token });
    files.fail('ENOSPC', ['write']); // folders can still be made: only the data does not fit
    await expect(store.putStatus('web', status('Progressing'), { lease: 'controller', token: lease.token })).rejects.toMatchObject({
      code: 'StoreUnavailable',
      reason: 'ENOSPC',
    });
    expect(await allFiles(folder)).toEqual(['leases/controller.json', 'status/web.json']);
    expect((await store.getStatus('web'))?.phase).toBe('Healthy');
  });
});
