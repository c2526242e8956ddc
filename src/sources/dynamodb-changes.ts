// The change feed of the DynamoDB source table: every write by `keelson apply` sets
// `changeFeed` (one fixed value) and `changedAt` (epoch ms), which a sparse global secondary
// index keys on, so "what changed since T" is one Query instead of a Scan of the whole table.
//
// One partition key value puts the whole index in one partition, limited to 1,000 write and
// 3,000 read units a second (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html).
// An index entry is the key, changedAt and generation (well under 1 KB: one write unit), so the
// feed takes 1,000 applies a second, far above what people and pipelines write, and a 20,000-item
// bulk load takes about 20 s of index writes. A poll reads only the last few changes.
//
// Reads from a global secondary index are eventually consistent
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html):
// the feed says which items to read, and the items themselves are read with a consistent
// BatchGetItem, up to 100 keys a call, retrying UnprocessedKeys
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../store/dynamodb-batch-get.js';
import type { ReleaseItem } from './dynamodb-item.js';

export const CHANGE_FEED = {
  indexName: 'changes',
  /** The one value of the index's partition key. */
  feed: 'releases',
} as const;

/** What the index holds for one item. */
export interface ChangeEntry {
  name: string;
  changedAt: number;
  generation?: number;
}

/** The attributes `keelson apply` writes so the item appears in the change feed. */
export function changeFeedAttributes(changedAt: number): { changeFeed: string; changedAt: number } {
  return { changeFeed: CHANGE_FEED.feed, changedAt };
}

/** Entries of items changed at or after `since` (epoch ms), every page. */
export async function changesSince(docs: DynamoDBDocumentClient, table: string, since: number): Promise<ChangeEntry[]> {
  const entries: ChangeEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await docs.send(
      new QueryCommand({
        TableName: table,
        IndexName: CHANGE_FEED.indexName,
        KeyConditionExpression: '#feed = :feed AND #at >= :since',
        ExpressionAttributeNames: { '#feed': 'changeFeed', '#at': 'changedAt' },
        ExpressionAttributeValues: { ':feed': CHANGE_FEED.feed, ':since': since },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (typeof item.name !== 'string' || typeof item.changedAt !== 'number') continue;
      entries.push({ name: item.name, changedAt: item.changedAt, ...(Number.isInteger(item.generation) ? { generation: item.generation as number } : {}) });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return entries;
}

/** The items with these names, read consistently; a name with no item is absent from the answer (deleted). */
export async function readItems(docs: DynamoDBDocumentClient, table: string, names: readonly string[], sleep: (ms: number) => Promise<void>): Promise<Map<string, ReleaseItem>> {
  const items = new Map<string, ReleaseItem>();
  for (const item of await batchGetAll(docs, table, names.map((name) => ({ name })), sleep)) if (typeof item.name === 'string') items.set(item.name, item as unknown as ReleaseItem);
  return items;
}
