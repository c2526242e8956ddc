// From configuration to running parts: the sources and the state store it names.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_DEFAULTS } from '../cloud/aws/defaults.js';
import type { Clock } from '../runtime/clock.js';
import { DirSource } from '../sources/dir.js';
import { DynamoDbSource } from '../sources/dynamodb.js';
import { GitSource } from '../sources/git.js';
import type { SourceLogger } from '../sources/source-log.js';
import type { Source } from '../sources/source.js';
import { sha256Hex } from '../sources/spec-hash.js';
import { DirStateStore } from '../store/dir-store.js';
import { DynamoStateStore } from '../store/dynamodb-store.js';
import type { StoreFileSystem } from '../store/store-fs.js';
import type { StateStore } from '../store/store.js';
import type { CloudConfig, KeelsonConfig, SourceConfig, StateConfig } from './config.js';
import { gitAuthFromConfig } from './secrets.js';

export interface OpenDeps {
  clock: Clock;
  /** The process environment (secrets named by {env}, git's PATH and HOME). */
  env: Record<string, string | undefined>;
  /** One DynamoDB client for sources and state; built from config.cloud when absent. */
  dynamo?: DynamoDBClient;
  /** The file system a folder state store writes through; node:fs when absent. */
  files?: StoreFileSystem;
  /** Where sources and the DynamoDB state store log (a Git read in full and why, a table without its change feed). */
  logger?: SourceLogger;
}

export function dynamoClientFor(cloud: CloudConfig): DynamoDBClient {
  return new DynamoDBClient({
    ...(cloud.region ? { region: cloud.region } : {}),
    ...(cloud.endpoint ? { endpoint: cloud.endpoint } : {}),
    maxAttempts: AWS_DEFAULTS.maxAttempts,
    retryMode: AWS_DEFAULTS.retryMode,
  });
}

/**
 * Per-source files (ledgers, Git caches) live in the state folder, or with DynamoDB state in a
 * temp folder of this user's own (the Git source refuses it unless it is private).
 */
export function workFolder(state: StateConfig, kind: string, key: string): string {
  const base = state.kind === 'dir' ? state.path : join(tmpdir(), `keelson-${process.getuid?.() ?? 'user'}`);
  return join(base, kind, sha256Hex(key).slice(0, 12));
}

export async function openSource(source: SourceConfig, config: Pick<KeelsonConfig, 'state' | 'cloud'>, deps: OpenDeps): Promise<Source> {
  switch (source.kind) {
    case 'dir':
      return new DirSource({
        folder: source.path,
        clock: deps.clock,
        pollIntervalMs: source.pollIntervalMs,
        ...(dirLedgerFile(source.path, config) ? { ledgerFile: dirLedgerFile(source.path, config) as string } : {}),
      });
    case 'git': {
      const auth = await gitAuthFromConfig(source, deps.env);
      return new GitSource({
        url: source.url,
        branch: source.branch,
        path: source.path,
        cacheDir: source.cacheDir ?? workFolder(config.state, 'git', `${source.url}#${source.branch}`),
        clock: deps.clock,
        env: deps.env,
        pollIntervalMs: source.pollIntervalMs,
        ...(auth ? { auth } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
    }
    case 'dynamodb':
      return new DynamoDbSource({
        client: deps.dynamo ?? dynamoClientFor(config.cloud),
        table: source.table,
        clock: deps.clock,
        pollIntervalMs: source.pollIntervalMs,
        // Only for items written without a generation.
        ...(config.state.kind === 'dir' ? { ledgerFile: join(workFolder(config.state, 'dynamodb', source.table), 'generations.json') } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
  }
}

/** Where a folder source keeps its generations; `keelson apply` writes through the same ledger. */
export function dirLedgerFile(folder: string, config: Pick<KeelsonConfig, 'state'>): string | undefined {
  return config.state.kind === 'dir' ? join(workFolder(config.state, 'dir', folder), 'generations.json') : undefined;
}

export function openStateStore(config: Pick<KeelsonConfig, 'state' | 'cloud'>, deps: OpenDeps): StateStore {
  if (config.state.kind === 'dir') return new DirStateStore({ folder: config.state.path, ...(deps.files ? { fs: deps.files } : {}) });
  return new DynamoStateStore({ client: deps.dynamo ?? dynamoClientFor(config.cloud), table: config.state.table, clock: deps.clock, ...(deps.logger ? { logger: deps.logger } : {}) });
}
