// `keelson apply` for the DynamoDB source: a conditional write that bumps the generation only
// when the spec changed, and never overwrites a generation the caller did not read.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Release } from '../api/types.js';
import { RealClock, type Clock } from '../runtime/clock.js';
import { ApplyConflictError, type ApplyOptions, type ApplyResult } from './apply-result.js';
import { changeFeedAttributes } from './dynamodb-changes.js';
import { itemToCandidate, type ReleaseItem } from './dynamodb-item.js';
import { candidateHash } from './snapshot.js';
import { specHash } from './spec-hash.js';

export interface DynamoApplyOptions extends ApplyOptions {
  /** For updatedAt; the real clock by default. */
  clock?: Clock;
}

/** Concurrent writers without an expectedGeneration retry this many times before giving up. */
const RACE_RETRIES = 3;

export async function applyRelease(client: DynamoDBClient, table: string, release: Release, options: DynamoApplyOptions = {}): Promise<ApplyResult> {
  const docs = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const name = release.metadata.name;
  for (let attempt = 0; ; attempt++) {
    const read = await docs.send(new GetCommand({ TableName: table, Key: { name }, ConsistentRead: true }));
    const current = read.Item as ReleaseItem | undefined;
    const currentGeneration = current?.generation ?? 0;
    if (options.expectedGeneration !== undefined && options.expectedGeneration !== currentGeneration) {
      throw new ApplyConflictError(`${name} is at generation ${currentGeneration}, not ${options.expectedGeneration}: read it again`, name, currentGeneration);
    }
    const hash = specHash(release);
    if (current && candidateHash(itemToCandidate(table, current)) === hash) return { result: 'unchanged', generation: currentGeneration };

    const generation = currentGeneration + 1;
    const now = (options.clock ?? new RealClock()).now();
    const item: ReleaseItem = {
      name,
      spec: release.spec as unknown as Record<string, unknown>,
      ...(release.metadata.labels ? { labels: release.metadata.labels } : {}),
      ...(release.metadata.annotations ? { annotations: release.metadata.annotations } : {}),
      generation,
      updatedAt: new Date(now).toISOString(),
      ...(options.by ? { updatedBy: options.by } : {}),
      // The source's polls find the item through the change feed instead of a full Scan.
      ...changeFeedAttributes(now),
    };
    try {
      await docs.send(
        new PutCommand({
          TableName: table,
          Item: item,
          ...(current === undefined
            ? { ConditionExpression: 'attribute_not_exists(#name)', ExpressionAttributeNames: { '#name': 'name' } }
            : current.generation === undefined
              ? { ConditionExpression: 'attribute_not_exists(#gen)', ExpressionAttributeNames: { '#gen': 'generation' } }
              : { ConditionExpression: '#gen = :gen', ExpressionAttributeNames: { '#gen': 'generation' }, ExpressionAttributeValues: { ':gen': currentGeneration } }),
        }),
      );
      return { result: current ? 'updated' : 'created', generation };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Someone wrote between our read and our write.
      if (options.expectedGeneration !== undefined || attempt >= RACE_RETRIES) {
        throw new ApplyConflictError(`${name} was changed by someone else while it was being applied`, name);
      }
    }
  }
}
