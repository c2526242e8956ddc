import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../src/store/dynamodb-store.js';
import { createTables } from '../../../src/store/dynamodb-tables.js';
import { StaleFenceError } from '../../../src/store/store.js';
import { startDynalite, type LocalDynamo } from '../../helpers/dynalite.js';
import { status } from '../../helpers/statuses.js';
import { stateStoreContract } from './state-store-contract.js';

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

async function newTable(): Promise<string> {
  const table = `state-${++tables}`;
  await createTables(dynamo.client, { state: table }, { pollMs: 10 });
  return table;
}

stateStoreContract('DynamoStateStore', async () => new DynamoStateStore({ client: dynamo.client, table: await newTable() }));

describe('DynamoStateStore with two controllers', () => {
  it('gives the lease to exactly one of two racing stores, lets the other take over after expiry, then refuses the old holder', async () => {
    const table = await newTable();
    const a = new DynamoStateStore({ client: dynamo.client, table });
    const b = new DynamoStateStore({ client: dynamo.newClient(), table });
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const results = await Promise.all([a.acquire(name, 'a', 15_000, 0), b.acquire(name, 'b', 15_000, 0)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }

    const held = (await a.acquire('controller', 'a', 15_000, 0))!;
    expect(await b.acquire('controller', 'b', 15_000, 10_000)).toBeUndefined();
    await a.putStatus('web', status('Progressing'), { lease: 'controller', token: held.token });
    const taken = (await b.acquire('controller', 'b', 15_000, 15_000))!;
    expect(taken.token).toBe(held.token + 1);

    const stale = a.putStatus('web', status('Degraded'), { lease: 'controller', token: held.token });
    await expect(stale).rejects.toBeInstanceOf(StaleFenceError);
    expect(await a.acquire('controller', 'a', 15_000, 16_000)).toBeUndefined();
    await b.putStatus('web', status('Healthy'), { lease: 'controller', token: taken.token });
    expect((await a.getStatus('web'))?.phase).toBe('Healthy');
  });

  it('takes a lease as a batch saw it only if it is still so: a stale sight fails the attempt, never wins', async () => {
    const table = await newTable();
    const a = new DynamoStateStore({ client: dynamo.client, table });
    const b = new DynamoStateStore({ client: dynamo.newClient(), table });
    // a saw no lease, but b took it since.
    const bLease = (await b.acquire('shard-0', 'b', 15_000, 0))!;
    expect(await a.acquire('shard-0', 'a', 15_000, 1_000, null)).toBeUndefined();
    // a saw b's lease expired, but b renewed it since (same token, a later expiry): b keeps it.
    const renewed = (await b.acquire('shard-0', 'b', 15_000, 14_000))!;
    expect(await a.acquire('shard-0', 'a', 15_000, 16_000, bLease)).toBeUndefined();
    expect((await a.read('shard-0'))?.holder).toBe('b');
    // Expired as a saw it and still so: a takes it, and b's renewal on its stale sight then fails.
    expect(await a.acquire('shard-0', 'a', 15_000, 30_000, renewed)).toMatchObject({ holder: 'a', token: bLease.token + 1 });
    expect(await b.acquire('shard-0', 'b', 15_000, 31_000, renewed)).toBeUndefined();
    expect((await b.read('shard-0'))?.holder).toBe('a');
  });

  it('refuses by the item\'s own fence a status write older than the one stored', async () => {
    const table = await newTable();
    const store = new DynamoStateStore({ client: dynamo.client, table });
    // No lease item to compare with: the fence on the status item still holds.
    await store.putStatus('web', status('Healthy'), { lease: 'gone', token: 5 });
    await expect(store.putStatus('web', status('Degraded'), { lease: 'gone', token: 4 })).rejects.toMatchObject({ code: 'StaleFence' });
    await store.putStatus('web', status('Paused'), { lease: 'gone', token: 5 });
    expect((await store.getStatus('web'))?.phase).toBe('Paused');
  });

  it('compares the item\'s fence only with tokens of the same lease: a Release moved to a shard lease is written under it', async () => {
    const table = await newTable();
    const store = new DynamoStateStore({ client: dynamo.client, table });
    await store.putStatus('web', status('Healthy'), { lease: 'keelson-controller', token: 9 });
    // Sharding turned on: the shard's lease starts again from token 1.
    await store.putStatus('web', status('Progressing'), { lease: 'keelson-controller/shard-3', token: 1 });
    await store.putLastKnownSpec({ source: 'memory', release: { apiVersion: 'keelson.dev/v1alpha1', kind: 'Release', metadata: { name: 'web' }, spec: { cluster: 'prod', revision: { taskDefinition: 'web:1' }, strategy: { rolling: { service: 'web' } } } }, generation: 1, sourceRevision: 'r1' }, { lease: 'keelson-controller/shard-3', token: 1 });
    expect((await store.getStatus('web'))?.phase).toBe('Progressing');
    // Within that lease an older token is still refused.
    await store.putStatus('web', status('Paused'), { lease: 'keelson-controller/shard-3', token: 2 });
    await expect(store.putStatus('web', status('Degraded'), { lease: 'keelson-controller/shard-3', token: 1 })).rejects.toMatchObject({ code: 'StaleFence' });
    expect((await store.getStatus('web'))?.phase).toBe('Paused');
  });

  it('lists statuses across scan pages', async () => {
    const table = await newTable();
    const store = new DynamoStateStore({ client: dynamo.client, table });
    const fence = { lease: 'l', token: 1 };
    const big = 'x'.repeat(30_000); // about 35 items fill a 1 MB scan page
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.putStatus(`svc-${i}`, status('Healthy', { message: big }), fence)));
    await store.requestOperation({ release: 'svc-1', kind: 'promote', requestedAt: 0 });
    const all = await store.listStatuses();
    expect(all.size).toBe(60);
    expect(all.get('svc-59')?.message).toBe(big);
  });
});
