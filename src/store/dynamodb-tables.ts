// The two tables keelson uses, created the same way in tests and in the deploy docs.
//   source table: partition key `name` (S); index `changes`:
//                 `changeFeed` (S) + `changedAt` (N)            — see src/sources/dynamodb-changes.ts
//   state table:  partition key `pk` (S), sort key `sk` (S)     — see src/store/dynamodb-store.ts
//                 index `statusChanges`:
//                 `statusFeed` (S) + `statusChangedAt` (N)      — see src/store/dynamodb-status-feed.ts
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { RealClock, type Clock } from '../runtime/clock.js';
import { CHANGE_FEED } from '../sources/dynamodb-changes.js';
import { STATUS_FEED } from './dynamodb-status-feed.js';

export interface TableNames {
  /** Releases (the DynamoDB source). */
  source?: string;
  /** Status, operations and leases (DynamoStateStore). */
  state?: string;
}

export function sourceTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'name', AttributeType: 'S' },
      { AttributeName: 'changeFeed', AttributeType: 'S' },
      { AttributeName: 'changedAt', AttributeType: 'N' },
    ],
    // Sparse: only items written with the feed attributes are in it.
    GlobalSecondaryIndexes: [
      {
        IndexName: CHANGE_FEED.indexName,
        KeySchema: [
          { AttributeName: 'changeFeed', KeyType: 'HASH' },
          { AttributeName: 'changedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['generation'] },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export function stateTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: STATUS_FEED.feedAttribute, AttributeType: 'S' },
      { AttributeName: STATUS_FEED.stampAttribute, AttributeType: 'N' },
    ],
    // Sparse: only status items carry the feed attributes. Keys only: the items are read consistently.
    GlobalSecondaryIndexes: [
      {
        IndexName: STATUS_FEED.indexName,
        KeySchema: [
          { AttributeName: STATUS_FEED.feedAttribute, KeyType: 'HASH' },
          { AttributeName: STATUS_FEED.stampAttribute, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** Creates the tables that do not exist yet and waits until they are ACTIVE. */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames,
  options: { clock?: Clock; pollMs?: number; maxWaitMs?: number } = {},
): Promise<void> {
  const definitions = [
    ...(names.source ? [sourceTableDefinition(names.source)] : []),
    ...(names.state ? [stateTableDefinition(names.state)] : []),
  ];
  for (const definition of definitions) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  const clock = options.clock ?? new RealClock();
  const deadline = clock.now() + (options.maxWaitMs ?? 120_000);
  for (const definition of definitions) {
    for (;;) {
      const described = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
      if (described.Table?.TableStatus === 'ACTIVE') break;
      if (clock.now() > deadline) throw new Error(`table ${definition.TableName} did not become ACTIVE`);
      await clock.sleep(options.pollMs ?? 500);
    }
  }
}
