// BatchGetItem of any number of keys, strongly consistent: 100 keys a call, and the keys DynamoDB
// leaves unprocessed (throttling, the 16 MB limit) asked again after an exponential backoff, as
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html asks.
// Used by the state store (statuses of a resync) and the DynamoDB source (the changed Releases).
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const BATCH_GET = {
  /** Keys per call: BatchGetItem's maximum. */
  keys: 100,
  /** The first pause before unprocessed keys are asked again, doubled each time up to the cap. */
  backoffMs: 50,
  backoffCapMs: 2_000,
  /** Calls for one chunk of keys before the read fails. */
  attempts: 8,
} as const;

/** Keys DynamoDB still left unprocessed after BATCH_GET.attempts calls. */
export class UnreadKeysError extends Error {
  override readonly name = 'UnreadKeysError';
  readonly code = 'UnprocessedKeys';
}

/** The items found for `keys` (a key without an item is absent); `sleep` waits on the caller's clock. */
export async function batchGetAll(docs: DynamoDBDocumentClient, table: string, keys: readonly Record<string, unknown>[], sleep: (ms: number) => Promise<void>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let at = 0; at < keys.length; at += BATCH_GET.keys) {
    let pending: Record<string, unknown>[] = keys.slice(at, at + BATCH_GET.keys);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_GET.attempts) throw new UnreadKeysError(`BatchGetItem left ${pending.length} keys of ${table} unread after ${BATCH_GET.attempts} calls`);
      if (attempt > 0) await sleep(Math.min(BATCH_GET.backoffCapMs, BATCH_GET.backoffMs * 2 ** (attempt - 1)));
      const out = await docs.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}
