import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { StaleFenceError } from '../../../src/store/store.js';
import { stateStoreContract } from './state-store-contract.js';

const LEASE = 'keelson-controller';
const TTL = 15_000;

stateStoreContract('MemoryStateStore', async () => new MemoryStateStore());

function healthy(stable: string): ReleaseStatus {
  return { phase: 'Healthy', stableRevision: stable, weights: { blue: 100, green: 0 }, history: [] };
}

describe('MemoryStateStore leases', () => {
  it('gives a free lease to the first holder and refuses a second while it is live', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    expect(a).toMatchObject({ holder: 'a', token: 1, expiresAt: TTL });
    expect(await store.acquire(LEASE, 'b', TTL, TTL - 1)).toBeUndefined();
    expect(await store.read(LEASE)).toMatchObject({ holder: 'a', token: 1 });
  });

  it('renews for the same holder without changing the token', async () => {
    const store = new MemoryStateStore();
    await store.acquire(LEASE, 'a', TTL, 0);
    const renewed = await store.acquire(LEASE, 'a', TTL, 10_000);
    expect(renewed).toMatchObject({ holder: 'a', token: 1, expiresAt: 10_000 + TTL });
  });

  it('hands an expired lease to another holder with a larger token', async () => {
    const store = new MemoryStateStore();
    await store.acquire(LEASE, 'a', TTL, 0);
    const b = await store.acquire(LEASE, 'b', TTL, TTL);
    expect(b).toMatchObject({ holder: 'b', token: 2 });
    expect(await store.acquire(LEASE, 'a', TTL, TTL + 1)).toBeUndefined();
  });

  it('lets a standby take a released lease at once, and never reuses a token', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    await store.release(a!);
    expect(await store.read(LEASE)).toBeUndefined();
    const b = await store.acquire(LEASE, 'b', TTL, 1);
    expect(b?.token).toBe(2);
    await store.release(b!);
    const again = await store.acquire(LEASE, 'a', TTL, 2);
    expect(again?.token).toBe(3);
  });

  it('ignores a release by a holder that no longer has the lease', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    await store.acquire(LEASE, 'b', TTL, TTL);
    await store.release(a!);
    expect(await store.read(LEASE)).toMatchObject({ holder: 'b', token: 2 });
  });

  it('keeps leases with different names apart', async () => {
    const store = new MemoryStateStore();
    await store.acquire('shard-1', 'a', TTL, 0);
    expect(await store.acquire('shard-2', 'b', TTL, 0)).toMatchObject({ holder: 'b', token: 1 });
  });
});

describe('MemoryStateStore fenced status', () => {
  it('refuses a status write from a holder whose lease was taken over', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    await store.putStatus('web', healthy('web:1'), { lease: LEASE, token: a!.token });
    const b = await store.acquire(LEASE, 'b', TTL, TTL);
    await expect(store.putStatus('web', healthy('web:2'), { lease: LEASE, token: a!.token })).rejects.toBeInstanceOf(StaleFenceError);
    await expect(store.deleteStatus('web', { lease: LEASE, token: a!.token })).rejects.toMatchObject({ code: 'StaleFence' });
    expect((await store.getStatus('web'))?.stableRevision).toBe('web:1');
    await store.putStatus('web', healthy('web:2'), { lease: LEASE, token: b!.token });
    expect((await store.getStatus('web'))?.stableRevision).toBe('web:2');
  });

  it('deletes a status with a current fence', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    const fence = { lease: LEASE, token: a!.token };
    await store.putStatus('web', healthy('web:1'), fence);
    await store.deleteStatus('web', fence);
    expect(await store.getStatus('web')).toBeUndefined();
    expect((await store.listStatuses()).size).toBe(0);
  });

  it('hands out copies, so a caller cannot change stored status by mutating', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    const written = healthy('web:1');
    await store.putStatus('web', written, { lease: LEASE, token: a!.token });
    written.weights!.green = 50;
    const read = await store.getStatus('web');
    read!.weights!.blue = 0;
    (await store.listStatuses()).get('web')!.phase = 'Degraded';
    expect(await store.getStatus('web')).toEqual(healthy('web:1'));
  });
});

describe('MemoryStateStore read-only listing', () => {
  it('lends its own frozen statuses to readStatuses: the same objects each time, unchangeable, and a later write replaces them', async () => {
    const store = new MemoryStateStore();
    const a = await store.acquire(LEASE, 'a', TTL, 0);
    await store.putStatus('web', healthy('web:1'), { lease: LEASE, token: a!.token });
    const first = (await store.readStatuses()).get('web')!;
    expect((await store.readStatuses()).get('web')).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.weights)).toBe(true);
    expect(() => {
      (first.weights as { green: number }).green = 50;
    }).toThrow(TypeError);
    // Readers that change what they read still get copies of their own.
    const copy = await store.getStatus('web');
    copy!.weights!.green = 50;
    expect(await store.getStatus('web')).toEqual(healthy('web:1'));
    await store.putStatus('web', healthy('web:2'), { lease: LEASE, token: a!.token });
    expect((await store.readStatuses()).get('web')?.stableRevision).toBe('web:2');
    expect(first.stableRevision).toBe('web:1');
  });
});

describe('MemoryStateStore operations', () => {
  it('numbers operations per Release from 1 and lists those after a sequence, oldest first', async () => {
    const store = new MemoryStateStore();
    const first = await store.requestOperation({ release: 'web', kind: 'promote', requestedAt: 1, requestedBy: 'alice' });
    await store.requestOperation({ release: 'api', kind: 'abort', requestedAt: 2 });
    const second = await store.requestOperation({ release: 'web', kind: 'retry', requestedAt: 3 });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect((await store.listOperations('web', 0)).map((op) => op.kind)).toEqual(['promote', 'retry']);
    expect(await store.listOperations('web', 1)).toEqual([{ release: 'web', kind: 'retry', requestedAt: 3, seq: 2 }]);
    expect((await store.listOperations('api', 0)).map((op) => op.seq)).toEqual([1]);
    expect(await store.listOperations('web', 2)).toEqual([]);
  });
});
