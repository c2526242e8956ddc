// Listing statuses from the DynamoDB state store: read once in full, then only what changed (the
// status feed), with this process's writes shown at once and other writers' within one refresh.
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DynamoStateStore } from '../../../src/store/dynamodb-store.js';
import { createTables, stateTableDefinition } from '../../../src/store/dynamodb-tables.js';
import { STATUS_LIST_DEFAULTS } from '../../../src/store/status-list-cache.js';
import { startDynalite, type LocalDynamo } from '../../helpers/dynalite.js';
import { status } from '../../helpers/statuses.js';

let dynamo: LocalDynamo;
let tables = 0;
let counters = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

/** A client whose calls are counted by operation, as `sim.calls` counts the simulated AWS. */
function counted(client: DynamoDBClient): Record<string, number> {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      const op = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      calls[op] = (calls[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `count-${++counters}` },
  );
  return calls;
}

async function newTable(): Promise<string> {
  const table = `list-${++tables}`;
  await createTables(dynamo.client, { state: table }, { pollMs: 10 });
  return table;
}

const fence = { lease: 'controller', token: 1 };
const names = (m: ReadonlyMap<string, unknown>): string[] => [...m.keys()].sort();

describe('DynamoStateStore.readStatuses', () => {
  it('reads every status once, then only the statuses another writer changed: one Query and one BatchGetItem, no Scan', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const readerClient = dynamo.newClient();
    const calls = counted(readerClient);
    const reader = new DynamoStateStore({ client: readerClient, table, clock });
    const writer = new DynamoStateStore({ client: dynamo.newClient(), table, clock });
    for (let i = 0; i < 30; i++) await writer.putStatus(`svc-${i}`, status('Healthy'), fence);

    expect(names(await reader.readStatuses()).length).toBe(30);
    expect(calls).toEqual({ Scan: 1 });

    await clock.advance(STATUS_LIST_DEFAULTS.refreshAfterMs);
    await writer.putStatus('svc-3', status('Progressing', { message: 'step 2/5' }), fence);
    await writer.putStatus('svc-30', status('Progressing'), fence);
    const after = await reader.readStatuses();
    expect(after.get('svc-3')?.message).toBe('step 2/5');
    expect(after.get('svc-30')?.phase).toBe('Progressing');
    expect(after.size).toBe(31);
    expect(calls).toEqual({ Scan: 1, Query: 1, BatchGetItem: 1 });
    expect(reader.statusListStats()).toMatchObject({ fullScans: 1, feedQueries: 1, statusesRead: 2 });

    // Within refreshAfterMs a list is served from memory: no call at all.
    await reader.readStatuses();
    expect(calls).toEqual({ Scan: 1, Query: 1, BatchGetItem: 1 });
    // Nothing changed: the Query finds the entries it already holds, and nothing is read.
    await clock.advance(STATUS_LIST_DEFAULTS.refreshAfterMs);
    await reader.readStatuses();
    expect(calls).toEqual({ Scan: 1, Query: 2, BatchGetItem: 1 });
    // Unchanged statuses are the same (frozen) objects from list to list.
    expect((await reader.readStatuses()).get('svc-7')).toBe(after.get('svc-7'));
    expect(Object.isFrozen(after.get('svc-7'))).toBe(true);
  });

  it('shows its own writes and deletions at once, without reading the table again', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const client = dynamo.newClient();
    const calls = counted(client);
    const store = new DynamoStateStore({ client, table, clock });
    await store.putStatus('web', status('Progressing'), fence);
    await store.putStatus('api', status('Healthy'), fence);
    expect(names(await store.readStatuses())).toEqual(['api', 'web']);
    const readsBefore = (calls.Scan ?? 0) + (calls.Query ?? 0) + (calls.BatchGetItem ?? 0);

    const written = status('Healthy', { message: 'promoted' });
    await store.putStatus('web', written, fence);
    await store.deleteStatus('api', fence);
    written.message = 'changed by the caller afterwards';
    const listed = await store.readStatuses();
    expect(names(listed)).toEqual(['web']);
    expect(listed.get('web')?.message).toBe('promoted');
    expect((calls.Scan ?? 0) + (calls.Query ?? 0) + (calls.BatchGetItem ?? 0)).toBe(readsBefore);
  });

  it('sees another writer\'s deletion at the next full Scan, run in the background every fullScanIntervalMs', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const reader = new DynamoStateStore({ client: dynamo.newClient(), table, clock, statusList: { fullScanIntervalMs: 60_000 } });
    const writer = new DynamoStateStore({ client: dynamo.newClient(), table, clock });
    await writer.putStatus('web', status('Healthy'), fence);
    await writer.putStatus('old', status('Healthy'), fence);
    expect(names(await reader.readStatuses())).toEqual(['old', 'web']);
    await writer.deleteStatus('old', fence);
    await clock.advance(30_000);
    expect(names(await reader.readStatuses())).toEqual(['old', 'web']); // a deletion leaves nothing in the feed
    await clock.advance(30_000);
    await reader.readStatuses(); // starts the Scan; this list is served from the feed meanwhile
    await reader.close(); // waits for the Scan
    expect(names(await reader.readStatuses())).toEqual(['web']);
    expect(reader.statusListStats().fullScans).toBe(2);
  });

  it('works on a state table made without the feed index: every list reads in full, said once in a log line with its code', async () => {
    const table = `no-index-${++tables}`;
    const { GlobalSecondaryIndexes: _index, ...definition } = stateTableDefinition(table);
    await dynamo.client.send(new CreateTableCommand({ ...definition, AttributeDefinitions: definition.AttributeDefinitions!.filter((a) => a.AttributeName === 'pk' || a.AttributeName === 'sk') }));
    const clock = new VirtualClock();
    const warnings: Record<string, unknown>[] = [];
    const logger = { debug: () => undefined, warn: (fields: Record<string, unknown>) => void warnings.push(fields) };
    const reader = new DynamoStateStore({ client: dynamo.newClient(), table, clock, logger });
    const writer = new DynamoStateStore({ client: dynamo.newClient(), table, clock });
    await writer.putStatus('web', status('Healthy'), fence);
    expect(names(await reader.readStatuses())).toEqual(['web']);
    for (let i = 0; i < 3; i++) {
      await clock.advance(STATUS_LIST_DEFAULTS.refreshAfterMs);
      await writer.putStatus(`svc-${i}`, status('Healthy'), fence);
      expect(names(await reader.readStatuses())).toContain(`svc-${i}`);
    }
    expect(warnings).toEqual([expect.objectContaining({ code: 'StatusFeedMissing', store: `dynamodb:${table}` })]);
    expect(reader.statusListStats()).toMatchObject({ fullScans: 4, feedQueries: 0 });
    // An index may be added (or have been still building): the feed is tried again once a full-Scan interval has passed.
    await clock.advance(STATUS_LIST_DEFAULTS.fullScanIntervalMs);
    await reader.readStatuses();
    expect(warnings).toHaveLength(2);
    expect(reader.statusListStats()).toMatchObject({ fullScans: 5, feedQueries: 0 });
  });

  it('lists statuses written before the feed existed (no stamp) and keeps them until they are written again', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const { PutCommand, DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    await DynamoDBDocumentClient.from(dynamo.client).send(new PutCommand({ TableName: table, Item: { pk: 'release#legacy', sk: 'status', status: status('Healthy'), fence: 1, fenceLease: 'controller' } }));
    const reader = new DynamoStateStore({ client: dynamo.newClient(), table, clock });
    const writer = new DynamoStateStore({ client: dynamo.newClient(), table, clock });
    expect(names(await reader.readStatuses())).toEqual(['legacy']);
    await clock.advance(STATUS_LIST_DEFAULTS.refreshAfterMs);
    await writer.putStatus('legacy', status('Progressing'), fence);
    expect((await reader.readStatuses()).get('legacy')?.phase).toBe('Progressing');
  });
});
