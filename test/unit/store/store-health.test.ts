import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DirStateStore } from '../../../src/store/dir-store.js';
import { StoreHealth, watchStore, type StoreProblem } from '../../../src/store/store-health.js';
import { FaultyFileSystem } from '../../helpers/faulty-fs.js';
import { status } from '../../helpers/statuses.js';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

async function watched() {
  const folder = await mkdtemp(join(tmpdir(), 'keelson-health-'));
  roots.push(folder);
  const clock = new VirtualClock(0);
  const files = new FaultyFileSystem();
  const health = new StoreHealth(clock);
  const store = watchStore(new DirStateStore({ folder, fs: files }), health);
  const errors: string[] = [];
  const changes: (StoreProblem | undefined)[] = [];
  health.onError((p) => errors.push(`${p.code}/${p.reason}`));
  health.onChange((p) => changes.push(p));
  return { clock, files, health, store, errors, changes };
}

describe('StoreHealth through watchStore', () => {
  it('goes down on the first failed call with its code and cause, tells each change once, and is up again only when a write lands', async () => {
    const { clock, files, health, store, errors, changes } = await watched();
    const lease = (await store.acquire('controller', 'a', 15_000, 0))!;
    const fence = { lease: 'controller', token: lease.token };
    expect(health.up).toBe(true);

    files.fail('EROFS');
    await clock.advance(1_000);
    await expect(store.putStatus('web', status('Healthy'), fence)).rejects.toMatchObject({ code: 'StoreUnavailable' });
    await clock.advance(1_000);
    await expect(store.acquire('controller', 'a', 15_000, 2_000)).rejects.toMatchObject({ code: 'StoreUnavailable' });
    expect(health.up).toBe(false);
    expect(health.current).toMatchObject({ code: 'StoreUnavailable', reason: 'EROFS', since: 1_000, message: expect.stringContaining('read-only file system') });
    expect(errors).toEqual(['StoreUnavailable/EROFS', 'StoreUnavailable/EROFS']);
    expect(changes).toHaveLength(1);

    // The disk is back, but a read proves nothing about writing.
    files.heal();
    await store.getStatus('web');
    expect(health.up).toBe(false);
    await store.putStatus('web', status('Healthy'), fence);
    expect(health.up).toBe(true);
    expect(changes.at(-1)).toBeUndefined();
    expect(changes).toHaveLength(2);
  });

  it('does not count a refused stale fence as the store failing', async () => {
    const { health, store, errors } = await watched();
    const old = (await store.acquire('controller', 'old', 10_000, 0))!;
    await store.acquire('controller', 'new', 10_000, 20_000);
    await expect(store.putStatus('web', status('Healthy'), { lease: 'controller', token: old.token })).rejects.toMatchObject({ code: 'StaleFence' });
    expect(health.up).toBe(true);
    expect(errors).toEqual([]);
  });
});
