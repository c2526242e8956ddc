// The behaviour every StateStore must have; run against each implementation.
import { describe, expect, it } from 'vitest';
import { StaleFenceError, type StateStore } from '../../../src/store/store.js';
import { status } from '../../helpers/statuses.js';

export function stateStoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} (StateStore contract)`, () => {
    it('stores, lists and deletes statuses, fenced by the lease holder\'s token', async () => {
      const store = await open();
      const lease = (await store.acquire('controller', 'a', 15_000, 1_000))!;
      const fence = { lease: 'controller', token: lease.token };
      expect(await store.getStatus('web')).toBeUndefined();
      await store.putStatus('web', status('Progressing', { weights: { blue: 90, green: 10 }, blockedRevision: null }), fence);
      await store.putStatus('api', status('Healthy'), fence);
      await store.putStatus('apps/broken.yaml', status('Invalid'), fence);
      expect(await store.getStatus('web')).toEqual(status('Progressing', { weights: { blue: 90, green: 10 }, blockedRevision: null }));
      expect([...(await store.listStatuses()).keys()].sort()).toEqual(['api', 'apps/broken.yaml', 'web']);
      await store.deleteStatus('api', fence);
      expect(await store.getStatus('api')).toBeUndefined();
      expect([...(await store.listStatuses()).keys()].sort()).toEqual(['apps/broken.yaml', 'web']);
    });

    it('reads the status and pending operations of many Releases at once, as getStatus and listOperations would one by one', async () => {
      const store = await open();
      const lease = (await store.acquire('controller', 'a', 15_000, 1_000))!;
      const fence = { lease: 'controller', token: lease.token };
      const names = Array.from({ length: 130 }, (_, i) => `app-${i}`);
      for (const name of names.slice(0, 120)) await store.putStatus(name, status('Healthy', { lastOperationSeq: name === 'app-1' ? 1 : 0 }), fence);
      await store.requestOperation({ release: 'app-1', kind: 'promote', requestedAt: 1 });
      await store.requestOperation({ release: 'app-1', kind: 'abort', requestedAt: 2 });
      await store.requestOperation({ release: 'app-2', kind: 'retry', requestedAt: 3 });
      await store.requestOperation({ release: 'app-125', kind: 'restart', requestedAt: 4 });

      const read = await store.readReleases(names);
      expect([...read.keys()].sort()).toEqual([...names].sort());
      for (const name of names) {
        const one = (await store.getStatus(name));
        expect(read.get(name)?.status).toEqual(one);
        expect(read.get(name)?.operations).toEqual(await store.listOperations(name, one?.lastOperationSeq ?? 0));
      }
      // Operations at or before the status's lastOperationSeq are done: only the later ones come back.
      expect(read.get('app-1')?.operations.map((o) => o.kind)).toEqual(['abort']);
      expect(read.get('app-2')?.operations.map((o) => o.kind)).toEqual(['retry']);
      expect(read.get('app-125')).toEqual({ operations: [expect.objectContaining({ kind: 'restart', seq: 1 })] });
      expect(read.get('app-129')).toEqual({ operations: [] });
      expect(await store.readReleases([])).toEqual(new Map());
    });

    it('gives a lease to one holder at a time, a new token to each new holder, and renews for the same holder', async () => {
      const store = await open();
      const a = await store.acquire('l', 'a', 10_000, 0);
      expect(a).toMatchObject({ holder: 'a', expiresAt: 10_000 });
      expect(await store.acquire('l', 'b', 10_000, 5_000)).toBeUndefined();
      const renewed = await store.acquire('l', 'a', 10_000, 5_000);
      expect(renewed).toMatchObject({ holder: 'a', token: a!.token, expiresAt: 15_000 });
      expect(await store.acquire('l', 'b', 10_000, 14_999)).toBeUndefined();
      const b = await store.acquire('l', 'b', 10_000, 15_000);
      expect(b).toMatchObject({ holder: 'b', token: a!.token + 1 });
      expect(await store.read('l')).toEqual(b);
    });

    it('lets a standby take a released lease at once', async () => {
      const store = await open();
      const a = (await store.acquire('l', 'a', 60_000, 0))!;
      await store.release(a);
      const b = await store.acquire('l', 'b', 60_000, 1);
      expect(b).toMatchObject({ holder: 'b', token: a.token + 1 });
      // Releasing a lease one no longer holds changes nothing.
      await store.release(a);
      expect(await store.read('l')).toEqual(b);
    });

    it('refuses status writes from a holder whose lease was taken over', async () => {
      const store = await open();
      const old = (await store.acquire('l', 'old', 10_000, 0))!;
      await store.putStatus('web', status('Progressing'), { lease: 'l', token: old.token });
      const next = (await store.acquire('l', 'new', 10_000, 20_000))!;
      await expect(store.putStatus('web', status('Degraded'), { lease: 'l', token: old.token })).rejects.toBeInstanceOf(StaleFenceError);
      await expect(store.deleteStatus('web', { lease: 'l', token: old.token })).rejects.toMatchObject({ code: 'StaleFence' });
      expect((await store.getStatus('web'))?.phase).toBe('Progressing');
      await store.putStatus('web', status('Healthy'), { lease: 'l', token: next.token });
      expect((await store.getStatus('web'))?.phase).toBe('Healthy');
    });

    it('keeps the last known spec of each Release with its source, fenced like status', async () => {
      const store = await open();
      const first = (await store.acquire('controller', 'a', 15_000, 0))!;
      const release = (name: string, revision: string) => ({
        apiVersion: 'keelson.dev/v1alpha1' as const,
        kind: 'Release' as const,
        metadata: { name, labels: { team: 'web' } },
        spec: { cluster: 'prod', revision: { taskDefinition: revision }, strategy: { rolling: { service: name } } },
      });
      const fence = { lease: 'controller', token: first.token };
      await store.putLastKnownSpec({ source: 'git:deploy#main', release: release('web', 'web:1'), generation: 1, sourceRevision: 'main@sha1:a' }, fence);
      await store.putLastKnownSpec({ source: 'git:deploy#main', release: release('web', 'web:2'), generation: 2, sourceRevision: 'main@sha1:b' }, fence);
      await store.putLastKnownSpec({ source: 'dir:releases', release: release('api', 'api:7'), generation: 1, sourceRevision: 'dir@1' }, fence);
      const kept = (await store.listLastKnownSpecs()).sort((a, b) => a.release.metadata.name.localeCompare(b.release.metadata.name));
      expect(kept).toEqual([
        { source: 'dir:releases', release: release('api', 'api:7'), generation: 1, sourceRevision: 'dir@1' },
        { source: 'git:deploy#main', release: release('web', 'web:2'), generation: 2, sourceRevision: 'main@sha1:b' },
      ]);

      await store.release(first);
      const second = (await store.acquire('controller', 'b', 15_000, 1_000))!;
      const stale = store.putLastKnownSpec({ source: 'git:deploy#main', release: release('web', 'web:1'), generation: 1, sourceRevision: 'main@sha1:a' }, fence);
      await expect(stale).rejects.toBeInstanceOf(StaleFenceError);
      await store.putLastKnownSpec({ source: 'git:deploy#main', release: release('web', 'web:3'), generation: 3, sourceRevision: 'main@sha1:c' }, { lease: 'controller', token: second.token });
      expect((await store.listLastKnownSpecs()).find((s) => s.release.metadata.name === 'web')?.generation).toBe(3);
    });

    it('reads one Release\'s last known spec alone, as the list holds it', async () => {
      const store = await open();
      const fence = { lease: 'controller', token: (await store.acquire('controller', 'a', 15_000, 0))!.token };
      const release = { apiVersion: 'keelson.dev/v1alpha1' as const, kind: 'Release' as const, metadata: { name: 'apps/web' }, spec: { cluster: 'prod', revision: { taskDefinition: 'web:4' }, strategy: { rolling: { service: 'web' } } } };
      await store.putLastKnownSpec({ source: 'dir:releases', release, generation: 4, sourceRevision: 'dir@4' }, fence);
      await store.putLastKnownSpec({ source: 'dir:releases', release: { ...release, metadata: { name: 'api' } }, generation: 1, sourceRevision: 'dir@1' }, fence);
      expect(store.readLastKnownSpec).toBeDefined();
      expect(await store.readLastKnownSpec!('apps/web')).toEqual({ source: 'dir:releases', release, generation: 4, sourceRevision: 'dir@4' });
      expect(await store.readLastKnownSpec!('nobody')).toBeUndefined();
    });

    it('numbers operations per Release in order and lists those after a sequence number', async () => {
      const store = await open();
      const first = await store.requestOperation({ release: 'web', kind: 'promote', requestedAt: 1, requestedBy: 'ada' });
      await store.requestOperation({ release: 'api', kind: 'abort', requestedAt: 2 });
      const second = await store.requestOperation({ release: 'web', kind: 'retry', requestedAt: 3 });
      expect([first.seq, second.seq]).toEqual([1, 2]);
      expect(await store.listOperations('web', 0)).toEqual([
        { release: 'web', kind: 'promote', requestedAt: 1, requestedBy: 'ada', seq: 1 },
        { release: 'web', kind: 'retry', requestedAt: 3, seq: 2 },
      ]);
      expect((await store.listOperations('web', 1)).map((o) => o.kind)).toEqual(['retry']);
      expect(await store.listOperations('nobody', 0)).toEqual([]);
    });

    it('hands out distinct sequence numbers to concurrent requests', async () => {
      const store = await open();
      const ops = await Promise.all(Array.from({ length: 10 }, (_, i) => store.requestOperation({ release: 'web', kind: 'promote', requestedAt: i })));
      expect(ops.map((o) => o.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await store.listOperations('web', 0)).toHaveLength(10);
    });
  });
}
