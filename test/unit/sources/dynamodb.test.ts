import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Release } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { ApplyConflictError } from '../../../src/sources/apply-result.js';
import { applyRelease, DynamoDbSource } from '../../../src/sources/dynamodb.js';
import { SourceUnavailableError } from '../../../src/sources/source.js';
import { createTables } from '../../../src/store/dynamodb-tables.js';
import { runTimersUntil } from '../../helpers/clock.js';
import { startDynalite, type LocalDynamo } from '../../helpers/dynalite.js';
import { releaseYaml, snapshotSummary } from '../../helpers/releases.js';

let dynamo: LocalDynamo;
let table: string;
let tableCount = 0;
const clock = new VirtualClock('2026-03-01T12:00:00Z');

const release = (name: string, options: Parameters<typeof releaseYaml>[1] = {}): Release => parse(releaseYaml(name, options)) as Release;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  table = `releases-${++tableCount}`;
  await createTables(dynamo.client, { source: table }, { pollMs: 10 });
});

describe('applyRelease', () => {
  it('creates the item at generation 1 and bumps the generation only when the spec really changes', async () => {
    const apply = (r: Release) => applyRelease(dynamo.client, table, r, { by: 'ada', clock });
    expect(await apply(release('web'))).toEqual({ result: 'created', generation: 1 });
    expect(await apply(release('web'))).toEqual({ result: 'unchanged', generation: 1 });
    expect(await apply({ ...release('web'), status: { phase: 'Healthy' } })).toEqual({ result: 'unchanged', generation: 1 });
    expect(await apply(release('web', { taskDefinition: 'web:2' }))).toEqual({ result: 'updated', generation: 2 });
    expect(await apply(release('web', { taskDefinition: 'web:2', labels: { team: 'a' } }))).toEqual({ result: 'updated', generation: 3 });
    const snap = await new DynamoDbSource({ client: dynamo.client, table, clock }).snapshot();
    expect(snapshotSummary(snap)).toEqual(['web:3:web:2']);
    expect(snap.releases[0]!.sourceRevision).toBe(`dynamodb:${table}/web@3`);
    expect(snap.releases[0]!.release?.metadata.labels).toEqual({ team: 'a' });
  });

  it('refuses, with code Conflict, to overwrite a generation the caller did not read', async () => {
    await applyRelease(dynamo.client, table, release('web'));
    await applyRelease(dynamo.client, table, release('web', { taskDefinition: 'web:2' }));
    const stale = applyRelease(dynamo.client, table, release('web', { taskDefinition: 'web:3' }), { expectedGeneration: 1 });
    await expect(stale).rejects.toBeInstanceOf(ApplyConflictError);
    await expect(stale).rejects.toMatchObject({ code: 'Conflict', currentGeneration: 2 });
    expect(await applyRelease(dynamo.client, table, release('web', { taskDefinition: 'web:3' }), { expectedGeneration: 2 })).toEqual({
      result: 'updated',
      generation: 3,
    });
    await expect(applyRelease(dynamo.client, table, release('new'), { expectedGeneration: 4 })).rejects.toMatchObject({ code: 'Conflict' });
    expect(await applyRelease(dynamo.client, table, release('new'), { expectedGeneration: 0 })).toEqual({ result: 'created', generation: 1 });
  });

  it('lets only one of two writers that read the same generation win', async () => {
    await applyRelease(dynamo.client, table, release('web'));
    const other = dynamo.newClient();
    const results = await Promise.allSettled([
      applyRelease(dynamo.client, table, release('web', { taskDefinition: 'web:a' }), { expectedGeneration: 1 }),
      applyRelease(other, table, release('web', { taskDefinition: 'web:b' }), { expectedGeneration: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'Conflict' });
    const snap = await new DynamoDbSource({ client: dynamo.client, table, clock }).snapshot();
    expect(snap.releases[0]!.generation).toBe(2);
  });
});

describe('DynamoDbSource', () => {
  it('reads items holding a spec map or a YAML manifest, and marks only a bad item invalid', async () => {
    const docs = DynamoDBDocumentClient.from(dynamo.client);
    await applyRelease(dynamo.client, table, release('web'));
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'api', manifest: releaseYaml('api', { taskDefinition: 'api:4' }), generation: 7 } }));
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'broken', manifest: `${releaseYaml('broken')}  replicas: [1\n`, generation: 2 } }));
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'renamed', manifest: releaseYaml('other'), generation: 1 } }));
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'empty', generation: 1 } }));
    const snap = await new DynamoDbSource({ client: dynamo.client, table, clock }).snapshot();
    expect(snapshotSummary(snap)).toEqual(['api:7:api:4', 'broken:2:invalid', 'empty:1:invalid', 'renamed:1:invalid', 'web:1:web:1']);
    const byName = new Map(snap.releases.map((r) => [r.name, r]));
    expect(byName.get('broken')!.problems![0]).toMatchObject({ file: `dynamodb:${table}/broken`, code: 'yaml' });
    expect(byName.get('renamed')!.problems![0]!.message).toContain('does not match');
    expect(byName.get('empty')!.problems![0]!.path).toBe('spec');
    expect(byName.get('api')!.sourceRevision).toBe(`dynamodb:${table}/api@7`);
  });

  it('scans every page of a large table', async () => {
    const items = Array.from({ length: 130 }, (_, i) => ({ name: `svc-${String(i).padStart(3, '0')}`, manifest: releaseYaml(`svc-${String(i).padStart(3, '0')}`), generation: 1 }));
    const docs = DynamoDBDocumentClient.from(dynamo.client);
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } }));
      await docs.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
    }
    const snap = await new DynamoDbSource({ client: dynamo.client, table, clock, pageSize: 20 }).snapshot();
    expect(snap.releases).toHaveLength(130);
    expect(snap.releases.every((r) => r.release)).toBe(true);
    expect(snap.releases.at(-1)!.name).toBe('svc-129');
  });

  it('picks up a change at the next poll on the clock and tells the watcher', async () => {
    await applyRelease(dynamo.client, table, release('web'));
    const source = new DynamoDbSource({ client: dynamo.client, table, clock, pollIntervalMs: 2_000 });
    let changes = 0;
    source.watch(() => changes++);
    const first = await source.snapshot();
    const start = clock.now();
    await applyRelease(dynamo.client, table, release('web', { taskDefinition: 'web:2' }));
    await runTimersUntil(clock, () => changes > 0);
    expect(clock.now() - start).toBe(2_000);
    const second = await source.snapshot();
    expect(snapshotSummary(second)).toEqual(['web:2:web:2']);
    expect(second.revision).not.toBe(first.revision);
    await runTimersUntil(clock, () => clock.now() >= start + 10_000);
    expect(changes).toBe(1);
    await source.close();
  });

  it('notices an item edited by hand without a new generation', async () => {
    const docs = DynamoDBDocumentClient.from(dynamo.client);
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'web', manifest: releaseYaml('web'), generation: 1 } }));
    const source = new DynamoDbSource({ client: dynamo.client, table, clock });
    const before = await source.snapshot();
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'web', manifest: releaseYaml('web', { taskDefinition: 'web:5' }), generation: 1 } }));
    expect((await source.snapshot()).revision).not.toBe(before.revision);
  });

  it('is unavailable, not empty, when the table cannot be read', async () => {
    const source = new DynamoDbSource({ client: dynamo.client, table: 'no-such-table', clock });
    await expect(source.snapshot()).rejects.toBeInstanceOf(SourceUnavailableError);
  });
});
