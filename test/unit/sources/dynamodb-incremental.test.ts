import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Release } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { applyRelease, DynamoDbSource, type DynamoDbSourceOptions } from '../../../src/sources/dynamodb.js';
import type { SourceSnapshot } from '../../../src/sources/source.js';
import { createTables } from '../../../src/store/dynamodb-tables.js';
import { runTimersUntil } from '../../helpers/clock.js';
import { startDynalite, type LocalDynamo } from '../../helpers/dynalite.js';
import { releaseYaml } from '../../helpers/releases.js';

let dynamo: LocalDynamo;
let table: string;
let tableCount = 0;
let clock: VirtualClock;
const ITEMS = 30;
const name = (i: number): string => `svc-${String(i).padStart(2, '0')}`;
const release = (n: string, options: Parameters<typeof releaseYaml>[1] = {}): Release => parse(releaseYaml(n, options)) as Release;
const taskDefinitionOf = (snap: SourceSnapshot, n: string): string | undefined => snap.releases.find((r) => r.name === n)?.release?.spec.revision.taskDefinition;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  clock = new VirtualClock('2026-03-01T12:00:00Z');
  table = `inc-${++tableCount}`;
  await createTables(dynamo.client, { source: table }, { pollMs: 10 });
  for (let i = 0; i < ITEMS; i++) await applyRelease(dynamo.client, table, release(name(i)), { clock });
});

/** A watched source and a way to wait for its next change notice. */
function watched(options: Partial<DynamoDbSourceOptions> = {}): { source: DynamoDbSource; nextChange: () => Promise<void>; stop: () => void } {
  const source = new DynamoDbSource({ client: dynamo.client, table, clock, pollIntervalMs: 2_000, ...options });
  let changes = 0;
  const stop = source.watch(() => changes++);
  return {
    source,
    nextChange: async () => {
      const seen = changes;
      await runTimersUntil(clock, () => changes > seen);
    },
    stop,
  };
}

describe('DynamoDbSource reads only what changed while watched', () => {
  it('reads one changed item among many through the feed and a BatchGetItem, not a Scan', async () => {
    const { source, nextChange, stop } = watched();
    await source.snapshot();
    expect(source.stats()).toMatchObject({ fullScans: 1, itemsParsed: ITEMS });
    await clock.advance(1);
    await applyRelease(dynamo.client, table, release('svc-07', { taskDefinition: 'svc-07:2' }), { clock });
    await nextChange();
    const snap = await source.snapshot();
    expect(taskDefinitionOf(snap, 'svc-07')).toBe('svc-07:2');
    expect(snap.releases.find((r) => r.name === 'svc-07')!.generation).toBe(2);
    expect(snap.releases).toHaveLength(ITEMS);
    expect(source.stats()).toMatchObject({ fullScans: 1, itemsRead: 1, itemsParsed: ITEMS + 1 });
    expect(source.stats().feedQueries).toBeGreaterThanOrEqual(1);
    stop();
    await source.close();
  });

  it('sees a deleted item, and one written without the feed attributes, at the next full Scan', async () => {
    const { source, nextChange, stop } = watched({ fullScanIntervalMs: 60_000 });
    await source.snapshot();
    const docs = DynamoDBDocumentClient.from(dynamo.client);
    await docs.send(new DeleteCommand({ TableName: table, Key: { name: 'svc-03' } }));
    await docs.send(new PutCommand({ TableName: table, Item: { name: 'by-hand', manifest: releaseYaml('by-hand'), generation: 1 } }));
    const start = clock.now();
    await nextChange();
    // Polls in between read the feed only: the Scan a minute after the last one sees both.
    expect(clock.now() - start).toBe(60_000);
    const snap = await source.snapshot();
    expect(snap.releases.map((r) => r.name)).not.toContain('svc-03');
    expect(taskDefinitionOf(snap, 'by-hand')).toBe('by-hand:1');
    expect(source.stats().fullScans).toBe(2);
    expect(source.stats().feedQueries).toBe(29);
    stop();
    await source.close();
  });

  it('scans at every poll, and warns once with a code, when the table has no change feed index', async () => {
    const old = `${table}-old`;
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: old,
        KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await applyRelease(dynamo.client, old, release('web'), { clock });
    const warnings: Record<string, unknown>[] = [];
    const source = new DynamoDbSource({
      client: dynamo.client,
      table: old,
      clock,
      pollIntervalMs: 2_000,
      logger: { debug: () => undefined, warn: (fields) => warnings.push(fields) },
    });
    let changes = 0;
    source.watch(() => changes++);
    await source.snapshot();
    await clock.advance(1);
    await applyRelease(dynamo.client, old, release('web', { taskDefinition: 'web:2' }), { clock });
    await runTimersUntil(clock, () => changes > 0);
    expect(taskDefinitionOf(await source.snapshot(), 'web')).toBe('web:2');
    await runTimersUntil(clock, () => source.stats().fullScans >= 4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('ChangeFeedMissing');
    await source.close();
  });
});
