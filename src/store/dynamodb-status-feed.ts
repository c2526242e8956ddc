// The change feed of the state table's status items: every status write sets `statusFeed` (one
// fixed value) and `statusChangedAt` (epoch ms of the writer's clock), which the sparse global
// secondary index `statusChanges` keys on, so "which statuses changed since T" is one Query of the
// index (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html, Querying a
// global secondary index) instead of a Scan of the table. Only status items carry the attributes.
//
// The index projects its keys only: an entry names the item and its stamp, and the item itself is
// read with a consistent BatchGetItem, because reads of a global secondary index are eventually
// consistent only (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html;
// ConsistentRead on an index is refused, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html).
// The whole index is one partition, like the source's feed: 1,000 index writes a second, far above
// the status writes of a controller (a status is written when it changes).
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const STATUS_FEED = {
  indexName: 'statusChanges',
  /** The one value of the index's partition key. */
  feed: 'statuses',
  feedAttribute: 'statusFeed',
  stampAttribute: 'statusChangedAt',
} as const;

/** What the index holds for one status item. */
export interface StatusChange {
  name: string;
  changedAt: number;
}

/** The attributes a status write carries so the item appears in the feed. */
export function statusFeedAttributes(changedAt: number): Record<string, string | number> {
  return { [STATUS_FEED.feedAttribute]: STATUS_FEED.feed, [STATUS_FEED.stampAttribute]: changedAt };
}

/** Entries of status items changed at or after `since` (epoch ms), every page (1 MB each, LastEvaluatedKey → ExclusiveStartKey). */
export async function statusChangesSince(docs: DynamoDBDocumentClient, table: string, since: number, nameOf: (pk: string) => string | undefined): Promise<StatusChange[]> {
  const entries: StatusChange[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await docs.send(
      new QueryCommand({
        TableName: table,
        IndexName: STATUS_FEED.indexName,
        KeyConditionExpression: '#feed = :feed AND #at >= :since',
        ExpressionAttributeNames: { '#feed': STATUS_FEED.feedAttribute, '#at': STATUS_FEED.stampAttribute },
        ExpressionAttributeValues: { ':feed': STATUS_FEED.feed, ':since': since },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const name = typeof item.pk === 'string' ? nameOf(item.pk) : undefined;
      const changedAt = item[STATUS_FEED.stampAttribute];
      if (name !== undefined && typeof changedAt === 'number') entries.push({ name, changedAt });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return entries;
}

/** Whether a Query failed because the table has no such index (a table made before it existed). */
export function isMissingIndex(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'ValidationException' || name === 'ResourceNotFoundException';
}
