// A DynamoDB table as a source (layout in dynamodb-item.ts). A paginated, consistent Scan is
// the snapshot; changes are picked up by polling on the Clock (2s by default), which needs no
// Streams and no extra infrastructure. Each Release's sourceRevision is
// `dynamodb:<table>/<name>@<generation>`.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../runtime/clock.js';
import { GenerationLedger } from './generation-ledger.js';
import { itemToCandidate, type ReleaseItem } from './dynamodb-item.js';
import { assembleReleases, candidateHash } from './snapshot.js';
import { SnapshotPoller } from './snapshot-poller.js';
import { SourceUnavailableError, type Source, type SourceSnapshot } from './source.js';
import { shortContentRevision } from './spec-hash.js';

export { applyRelease, type DynamoApplyOptions } from './dynamodb-apply.js';
export type { ReleaseItem } from './dynamodb-item.js';

export const DYNAMODB_SOURCE_DEFAULTS = {
  pollIntervalMs: 2_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
} as const;

export interface DynamoDbSourceOptions {
  client: DynamoDBClient;
  table: string;
  clock: Clock;
  pollIntervalMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Items per Scan page (DynamoDB's own 1 MB page limit applies too). */
  pageSize?: number;
  /** Generations for items written without one; kept in memory when absent. */
  ledgerFile?: string;
}

export class DynamoDbSource implements Source {
  readonly kind = 'dynamodb';
  readonly description: string;
  private readonly docs: DynamoDBDocumentClient;
  private readonly poller: SnapshotPoller;
  private ledger: Promise<GenerationLedger> | undefined;

  constructor(private readonly options: DynamoDbSourceOptions) {
    this.description = `dynamodb:${options.table}`;
    this.docs = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.poller = new SnapshotPoller({
      clock: options.clock,
      intervalMs: options.pollIntervalMs ?? DYNAMODB_SOURCE_DEFAULTS.pollIntervalMs,
      backoff: {
        initialMs: options.backoffInitialMs ?? DYNAMODB_SOURCE_DEFAULTS.backoffInitialMs,
        maxMs: options.backoffMaxMs ?? DYNAMODB_SOURCE_DEFAULTS.backoffMaxMs,
      },
      read: () => this.scan(),
    });
  }

  /** While watched, the latest poll; otherwise a fresh scan. */
  snapshot(): Promise<SourceSnapshot> {
    return this.poller.current();
  }

  watch(onChange: () => void): () => void {
    return this.poller.watch(onChange);
  }

  /** Scans at once, e.g. right after `keelson apply` wrote through this process. */
  refresh(): Promise<void> {
    return this.poller.refresh();
  }

  close(): Promise<void> {
    return this.poller.close();
  }

  private async scan(): Promise<SourceSnapshot> {
    const items = await this.scanAll();
    const ledger = await this.openLedger();
    const candidates = items.map((item) => itemToCandidate(this.options.table, item));
    const releases = assembleReleases(candidates, (name, c) => c.generation ?? ledger.generationFor(name, candidateHash(c)));
    await ledger.save();
    // Content counts too, so an item edited by hand without a new generation is still noticed.
    const fingerprint = candidates
      .map((c) => `${c.name}@${c.generation ?? '-'}:${candidateHash(c)}`)
      .sort()
      .join('\n');
    return { revision: `${this.description}@${shortContentRevision(fingerprint)}`, releases, problems: [] };
  }

  private async scanAll(): Promise<ReleaseItem[]> {
    const items: ReleaseItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.docs.send(
          new ScanCommand({
            TableName: this.options.table,
            ConsistentRead: true,
            ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) if (typeof item.name === 'string') items.push(item as ReleaseItem);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (err) {
      throw new SourceUnavailableError(`cannot scan ${this.description}: ${(err as Error).message}`, err);
    }
    return items;
  }

  private openLedger(): Promise<GenerationLedger> {
    this.ledger ??= GenerationLedger.open(this.options.ledgerFile);
    return this.ledger;
  }
}
