import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readItems } from '../../../src/sources/dynamodb-changes.js';
import { BATCH_GET } from '../../../src/store/dynamodb-batch-get.js';

/** A client whose BatchGetItem answers leave the given numbers of keys unprocessed, call by call. */
function throttling(unprocessed: number[]): { docs: DynamoDBDocumentClient; calls: string[][] } {
  const calls: string[][] = [];
  const send = async (command: { input: { RequestItems: Record<string, { Keys: { name: string }[] }> } }) => {
    const keys = command.input.RequestItems.releases?.Keys ?? [];
    calls.push(keys.map((k) => k.name));
    const left = Math.min(unprocessed[calls.length - 1] ?? 0, keys.length);
    return {
      Responses: { releases: keys.slice(left).map((k) => ({ name: k.name, generation: 1 })) },
      ...(left > 0 ? { UnprocessedKeys: { releases: { Keys: keys.slice(0, left) } } } : {}),
    };
  };
  return { docs: { send } as unknown as DynamoDBDocumentClient, calls };
}

describe('readItems', () => {
  it('asks again for unprocessed keys after an exponential backoff, until every item is read', async () => {
    const { docs, calls } = throttling([3, 1]);
    const waits: number[] = [];
    const items = await readItems(docs, 'releases', ['a', 'b', 'c', 'd'], async (ms) => void waits.push(ms));
    expect([...items.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toEqual([['a', 'b', 'c', 'd'], ['a', 'b', 'c'], ['a']]);
    expect(waits).toEqual([BATCH_GET.backoffMs, BATCH_GET.backoffMs * 2]);
  });

  it('fails, never returns a partial answer, when keys stay unprocessed', async () => {
    const { docs, calls } = throttling(Array(10).fill(1));
    await expect(readItems(docs, 'releases', ['a', 'b'], async () => undefined)).rejects.toThrow(`BatchGetItem left 1 keys of releases unread after ${BATCH_GET.attempts} calls`);
    expect(calls).toHaveLength(BATCH_GET.attempts);
  });

  it('reads at most 100 keys a call', async () => {
    const { docs, calls } = throttling([]);
    const names = Array.from({ length: 250 }, (_, i) => `r${i}`);
    expect((await readItems(docs, 'releases', names, async () => undefined)).size).toBe(250);
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
  });
});
