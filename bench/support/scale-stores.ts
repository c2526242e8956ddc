// The state stores the scale bench runs on: memory, a folder (dir) and DynamoDB (dynalite, in
// this process). DynamoDB calls are counted by operation with a middleware on the client, as
// `sim.calls` counts the simulated AWS calls.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/runtime/clock.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { DynamoStateStore } from '../../src/store/dynamodb-store.js';
import { MemoryStateStore } from '../../src/store/memory.js';
import type { StateStore } from '../../src/store/store.js';
import { startDynalite } from '../../test/helpers/dynalite.js';

export type StoreKind = 'memory' | 'dir' | 'dynamodb';

export interface BenchStore {
  store: StateStore;
  /** Calls to the store's own service by `service:Operation` (DynamoDB only). */
  calls: Record<string, number>;
  close(): Promise<void>;
}

const TABLE = 'keelson-state';

export async function openBenchStore(kind: StoreKind, clock: Clock): Promise<BenchStore> {
  if (kind === 'memory') return { store: new MemoryStateStore(), calls: {}, close: async () => {} };
  if (kind === 'dir') {
    const folder = await mkdtemp(join(tmpdir(), 'keelson-scale-'));
    return { store: new DirStateStore({ folder }), calls: {}, close: () => rm(folder, { recursive: true, force: true }) };
  }
  const dynamo = await startDynalite({ state: TABLE });
  const calls: Record<string, number> = {};
  dynamo.client.middlewareStack.add(
    (next, context) => (args) => {
      const op = `dynamodb:${String(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
      calls[op] = (calls[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return { store: new DynamoStateStore({ client: dynamo.client, table: TABLE, clock }), calls, close: () => dynamo.close() };
}
