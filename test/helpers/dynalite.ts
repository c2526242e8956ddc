// DynamoDB for tests and benches: dynalite, in this process, on 127.0.0.1 and a free port.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { createTables, type TableNames } from '../../src/store/dynamodb-tables.js';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** Another client on the same server (a second controller). */
  newClient(): DynamoDBClient;
  close(): Promise<void>;
}

export async function startDynalite(tables: TableNames = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = (): DynamoDBClient => {
    const c = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    clients.push(c);
    return c;
  };
  const client = newClient();
  await createTables(client, tables, { pollMs: 10 });
  return {
    client,
    endpoint,
    newClient,
    async close() {
      for (const c of clients) c.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
