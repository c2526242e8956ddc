// readReleases on DynamoDB: BatchGetItem of 100 keys, UnprocessedKeys asked again after a pause.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/runtime/clock.js';
import { DynamoStateStore } from '../../../src/store/dynamodb-store.js';

const docs = mockClient(DynamoDBDocumentClient);
afterEach(() => docs.reset());

type Key = { pk: string; sk: string };

function storeWith(slept: number[]): DynamoStateStore {
  const clock = { now: () => 0, sleep: async (ms: number) => void slept.push(ms) } as unknown as Clock;
  return new DynamoStateStore({ client: new DynamoDBClient({ region: 'us-east-1' }), table: 'state', clock });
}

const itemFor = (key: Key): Record<string, unknown> =>
  key.sk === 'status' ? { ...key, status: { phase: 'Healthy', lastOperationSeq: 0, conditions: [] } } : { ...key, seq: 0 };

describe('DynamoStateStore.readReleases', () => {
  it('reads 120 Releases in BatchGetItem calls of 100 keys, asking again for what DynamoDB left unprocessed', async () => {
    let calls = 0;
    docs.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[]; ConsistentRead?: boolean }> }) => {
      calls++;
      const { Keys, ConsistentRead } = input.RequestItems.state!;
      expect(ConsistentRead).toBe(true);
      expect(Keys.length).toBeLessThanOrEqual(100);
      // The first answer leaves its last 30 keys unprocessed, as a throttled partition would.
      const answered = calls === 1 ? Keys.slice(0, -30) : Keys;
      const left = calls === 1 ? Keys.slice(-30) : [];
      return { Responses: { state: answered.map(itemFor) }, ...(left.length ? { UnprocessedKeys: { state: { Keys: left } } } : {}) };
    });
    const slept: number[] = [];
    const names = Array.from({ length: 120 }, (_, i) => `app-${i}`);
    const read = await storeWith(slept).readReleases(names);
    expect([...read.keys()]).toEqual(names);
    for (const name of names) expect(read.get(name)).toEqual({ status: { phase: 'Healthy', lastOperationSeq: 0, conditions: [] }, operations: [] });
    // 240 keys: 100 (30 left over, asked again after a pause), 100, 40.
    expect(docs.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.state?.Keys?.length)).toEqual([100, 30, 100, 40]);
    expect(slept).toEqual([50]);
    // Every operation counter is at its status's lastOperationSeq: no Query.
    expect(docs.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('fails visibly, with a code, when keys stay unprocessed', async () => {
    docs.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[] }> }) => ({ Responses: { state: [] }, UnprocessedKeys: { state: { Keys: input.RequestItems.state!.Keys } } }));
    const slept: number[] = [];
    await expect(storeWith(slept).readReleases(['web'])).rejects.toMatchObject({ code: 'StoreUnavailable', reason: 'UnprocessedKeys' });
    expect(slept).toEqual([50, 100, 200, 400, 800, 1_600, 2_000]);
    expect(docs.commandCalls(BatchGetCommand)).toHaveLength(8);
  });
});
