// A DynamoDB table as a source (layout in dynamodb-item.ts). A paginated, consistent Scan is
// the snapshot; changes are picked up by polling on the Clock (2s by default), which needs no
// Streams and no extra infrastructure. While watched, a poll reads only what changed: a Query of
// the change feed (dynamodb-changes.ts) and a consistent BatchGetItem of those items; a full Scan
// every fullScanIntervalMs (5 min) is the safety net that sees deletions, hand edits that skip
// the feed, and anything the eventually consistent index showed late. Each Release's
// sourceRevision is `dynamodb:<table>/<name>@<generation>`.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../runtime/clock.js';
import { GenerationLedger } from './generation-ledger.js';
import { CHANGE_FEED, changesSince, readItems } from './dynamodb-changes.js';
import { itemToCandidate, type ReleaseItem } from './dynamodb-item.js';
import { assembleReleases, candidateHash, type ReleaseCandidate } from './snapshot.js';
import { SnapshotPoller } from './snapshot-poller.js';
import { SILENT_SOURCE_LOGGER, type SourceLogger } from './source-log.js';
import { SourceUnavailableError, type Source, type SourceSnapshot } from './source.js';
import { shortContentRevision } from './spec-hash.js';

export { applyRelease, type DynamoApplyOptions } from './dynamodb-apply.js';
export type { ReleaseItem } from './dynamodb-item.js';

export const DYNAMODB_SOURCE_DEFAULTS = {
  pollIntervalMs: 2_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  /** While watched, a full Scan this often; the polls between read the change feed. */
  fullScanIntervalMs: 300_000,
  /**
   * Each feed Query starts this long before the newest change already seen: an item written
   * by a writer whose clock runs behind, or shown late by the index, is still found.
   */
  feedOverlapMs: 30_000,
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
  fullScanIntervalMs?: number;
  feedOverlapMs?: number;
  logger?: SourceLogger;
}

/** Counts since the source was made, for tests and logs. */
export interface DynamoDbSourceStats {
  fullScans: number;
  feedQueries: number;
  /** Items read by BatchGetItem after the feed named them. */
  itemsRead: number;
  /** Items parsed (by a Scan or after a BatchGetItem). */
  itemsParsed: number;
}

/** One item as held between polls. */
interface HeldItem {
  candidate: ReleaseCandidate;
  hash: string;
  generation: number | undefined;
  changedAt: number | undefined;
}

export class DynamoDbSource implements Source {
  readonly kind = 'dynamodb';
  readonly description: string;
  private readonly docs: DynamoDBDocumentClient;
  private readonly poller: SnapshotPoller;
  private ledger: Promise<GenerationLedger> | undefined;
  private readonly held = new Map<string, HeldItem>();
  private lastFullScanAt: number | undefined;
  private lastSnapshot: SourceSnapshot | undefined;
  private watchers = 0;
  /** Set once a Query of the feed failed for a reason a retry cannot fix (the index is missing). */
  private feedMissing = false;
  private readonly counts: DynamoDbSourceStats = { fullScans: 0, feedQueries: 0, itemsRead: 0, itemsParsed: 0 };

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
      read: () => this.poll(),
    });
  }

  /** While watched, the latest poll; otherwise a fresh scan. */
  snapshot(): Promise<SourceSnapshot> {
    return this.watchers > 0 ? this.poller.current() : this.scan();
  }

  watch(onChange: () => void): () => void {
    // The first poll of a watch is a full Scan: what was held before may be long out of date.
    if (this.watchers++ === 0) this.forget();
    const unwatch = this.poller.watch(onChange);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unwatch();
      if (--this.watchers === 0) this.forget();
    };
  }

  /** Scans at once, e.g. right after `keelson apply` wrote through this process. */
  refresh(): Promise<void> {
    return this.poller.refresh();
  }

  close(): Promise<void> {
    return this.poller.close();
  }

  stats(): DynamoDbSourceStats {
    return { ...this.counts };
  }

  /** A read of the poll loop: the change feed while it can stand for the table, else a full Scan. */
  private async poll(): Promise<SourceSnapshot> {
    const now = this.options.clock.now();
    const fullEvery = this.options.fullScanIntervalMs ?? DYNAMODB_SOURCE_DEFAULTS.fullScanIntervalMs;
    if (this.lastFullScanAt === undefined || !this.lastSnapshot || this.feedMissing || now - this.lastFullScanAt >= fullEvery) return this.scan(now);
    return this.readFeed();
  }

  private forget(): void {
    this.lastFullScanAt = undefined;
    this.lastSnapshot = undefined;
  }

  private async scan(startedAt = this.options.clock.now()): Promise<SourceSnapshot> {
    const items = await this.scanAll();
    this.counts.fullScans++;
    this.held.clear();
    for (const item of items) this.hold(item);
    this.lastFullScanAt = startedAt;
    return this.assemble();
  }

  private async readFeed(): Promise<SourceSnapshot> {
    const overlap = this.options.feedOverlapMs ?? DYNAMODB_SOURCE_DEFAULTS.feedOverlapMs;
    let newest = 0;
    for (const item of this.held.values()) if (item.changedAt !== undefined && item.changedAt > newest) newest = item.changedAt;
    let entries;
    try {
      entries = await changesSince(this.docs, this.options.table, newest - overlap);
      this.counts.feedQueries++;
    } catch (err) {
      const code = (err as { name?: string }).name;
      // A table made before the feed existed has no index: full Scans as before, said once.
      if (code === 'ValidationException' || code === 'ResourceNotFoundException') {
        this.feedMissing = true;
        this.log().warn(
          { source: this.description, code: 'ChangeFeedMissing', err: (err as Error).message },
          `the table has no "${CHANGE_FEED.indexName}" index; every poll scans the whole table (see docs/configuration.md)`,
        );
        return this.scan();
      }
      throw new SourceUnavailableError(`cannot query the change feed of ${this.description}: ${(err as Error).message}`, err);
    }
    const stale = entries.filter((e) => {
      const held = this.held.get(e.name);
      return !held || held.changedAt !== e.changedAt || held.generation !== e.generation;
    });
    if (stale.length === 0) return this.lastSnapshot!;
    let items: Map<string, ReleaseItem>;
    try {
      items = await readItems(this.docs, this.options.table, [...new Set(stale.map((e) => e.name))], (ms) => this.options.clock.sleep(ms));
    } catch (err) {
      throw new SourceUnavailableError(`cannot read changed items of ${this.description}: ${(err as Error).message}`, err);
    }
    this.counts.itemsRead += items.size;
    for (const { name } of stale) {
      const item = items.get(name);
      if (item) this.hold(item);
      else this.held.delete(name); // deleted since the index showed it
    }
    return this.assemble();
  }

  private hold(item: ReleaseItem): void {
    const candidate = itemToCandidate(this.options.table, item);
    this.counts.itemsParsed++;
    const changedAt = typeof item.changedAt === 'number' ? item.changedAt : undefined;
    this.held.set(item.name, { candidate, hash: candidateHash(candidate), generation: candidate.generation, changedAt });
  }

  private async assemble(): Promise<SourceSnapshot> {
    const ledger = await this.openLedger();
    const held = [...this.held.values()];
    const hashes = new Map(held.map((h) => [h.candidate, h.hash]));
    const hashOf = (c: ReleaseCandidate): string => hashes.get(c) ?? candidateHash(c);
    const releases = assembleReleases(
      held.map((h) => h.candidate),
      (name, c) => c.generation ?? ledger.generationFor(name, hashOf(c)),
    );
    await ledger.save();
    // Content counts too, so an item edited by hand without a new generation is still noticed.
    const fingerprint = held
      .map((h) => `${h.candidate.name}@${h.candidate.generation ?? '-'}:${h.hash}`)
      .sort()
      .join('\n');
    const snapshot: SourceSnapshot = { revision: `${this.description}@${shortContentRevision(fingerprint)}`, releases, problems: [] };
    this.lastSnapshot = snapshot;
    return snapshot;
  }

  private log(): SourceLogger {
    return this.options.logger ?? SILENT_SOURCE_LOGGER;
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
