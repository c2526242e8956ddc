// Every status, to list (GET /api/v1/releases), kept in memory between lists and brought up to
// date by reading only what changed: a Query of the change feed names the statuses written since
// the last read (with an overlap, as the feed is eventually consistent and writers' clocks differ),
// and those are read consistently. A full consistent Scan, first and then every fullScanIntervalMs,
// is the safety net that sees deletions by other writers and anything the feed showed late.
//
// Never older than this process's own writes: a write puts its status here as soon as it landed,
// and a read that began before a newer change to a name (a write here, or a later read) leaves that
// name alone when it lands.
import type { ReleaseStatus } from '../api/types.js';
import type { Clock } from '../runtime/clock.js';
import type { SourceLogger } from '../sources/source-log.js';
import { deepFreeze } from './deep-freeze.js';

export const STATUS_LIST_DEFAULTS = {
  /** A list within this long of the last read is served from memory; after it, the feed is read. */
  refreshAfterMs: 1_000,
  /** A full Scan this often (in the background, lists go on being served meanwhile). */
  fullScanIntervalMs: 300_000,
  /** Each feed Query starts this long before the previous one started. */
  feedOverlapMs: 30_000,
} as const;

/** One status item as read. `changedAt` is absent on items written before the feed existed. */
export interface ReadStatus {
  status: ReleaseStatus;
  changedAt: number | undefined;
}

/** The reads the cache is kept with; StatusFeedMissing is signalled by `changesSince` returning undefined. */
export interface StatusListReads {
  /** Every status item, consistently (a Scan of every page). */
  scan(): Promise<Map<string, ReadStatus>>;
  /** Names and stamps of statuses written at or after `since`; undefined when the table has no feed index. */
  changesSince(since: number): Promise<{ name: string; changedAt: number }[] | undefined>;
  /** These statuses, consistently; a name without an item is absent (deleted). */
  read(names: readonly string[]): Promise<Map<string, ReadStatus>>;
}

export interface StatusListCacheOptions {
  reads: StatusListReads;
  clock: Clock;
  description: string;
  logger?: SourceLogger;
  refreshAfterMs?: number;
  fullScanIntervalMs?: number;
  feedOverlapMs?: number;
}

/** Counts since the cache was made, for tests and benches. */
export interface StatusListStats {
  fullScans: number;
  feedQueries: number;
  /** Statuses read by name after the feed named them. */
  statusesRead: number;
}

interface Held {
  status: ReleaseStatus;
  changedAt: number | undefined;
}

export class StatusListCache {
  private readonly held = new Map<string, Held>();
  /** Grows with every change applied here; `changedIn` says when each name last changed. */
  private epoch = 0;
  private readonly changedIn = new Map<string, number>();
  /** Set by the first list: until then writes are not copied here (nobody lists). */
  private active = false;
  private lastFullScanAt: number | undefined;
  private lastReadAt: number | undefined;
  private lastFeedQueryAt: number | undefined;
  private refreshing: Promise<void> | undefined;
  private backgroundScan: Promise<void> | undefined;
  /**
   * When a feed Query last found no index: until a full-Scan interval has passed, every refresh is
   * a full Scan (said once an interval); then the feed is tried again (an index may have been added,
   * or been still building).
   */
  private feedMissingAt: number | undefined;
  /** The last background Scan failed: the next list scans itself, so the failure is seen. */
  private scanOwed = false;
  private readonly counts: StatusListStats = { fullScans: 0, feedQueries: 0, statusesRead: 0 };

  constructor(private readonly options: StatusListCacheOptions) {}

  /** Every status: this process's writes at once, other writers' within one refresh (plus the feed's lag). */
  async list(): Promise<ReadonlyMap<string, ReleaseStatus>> {
    this.active = true;
    await this.refresh();
    const out = new Map<string, ReleaseStatus>();
    for (const [name, held] of this.held) out.set(name, held.status);
    return out;
  }

  /** This process wrote `status` (stamped `changedAt`): it is what lists show from now on. */
  wrote(name: string, status: ReleaseStatus, changedAt: number): void {
    if (!this.active) return;
    this.held.set(name, { status: deepFreeze(structuredClone(status)), changedAt });
    this.changedIn.set(name, ++this.epoch);
  }

  /** This process deleted the status. */
  deleted(name: string): void {
    if (!this.active) return;
    this.held.delete(name);
    this.changedIn.set(name, ++this.epoch);
  }

  stats(): StatusListStats {
    return { ...this.counts };
  }

  /** Waits for a background Scan still running (so a closing store leaves nothing behind). */
  async settle(): Promise<void> {
    await this.backgroundScan;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const now = this.options.clock.now();
    const feedMissing = this.feedMissingAt !== undefined && now - this.feedMissingAt < this.fullScanInterval();
    if (this.lastFullScanAt === undefined || feedMissing || this.scanOwed) {
      if (this.lastReadAt !== undefined && feedMissing && now - this.lastReadAt < this.refreshAfter()) return;
      await this.fullScan(now);
      return;
    }
    if (this.lastReadAt !== undefined && now - this.lastReadAt < this.refreshAfter()) return;
    await this.readFeed(now);
    if (this.feedMissingAt === undefined && now - this.lastFullScanAt >= this.fullScanInterval()) this.scanInBackground(now);
  }

  private fullScanInterval(): number {
    return this.options.fullScanIntervalMs ?? STATUS_LIST_DEFAULTS.fullScanIntervalMs;
  }

  private refreshAfter(): number {
    return this.options.refreshAfterMs ?? STATUS_LIST_DEFAULTS.refreshAfterMs;
  }

  private async fullScan(now: number): Promise<void> {
    const start = this.epoch;
    const items = await this.options.reads.scan();
    this.counts.fullScans++;
    for (const [name, item] of items) this.apply(name, item, start);
    for (const name of [...this.held.keys()]) if (!items.has(name)) this.apply(name, undefined, start);
    this.scanOwed = false;
    this.lastFullScanAt = now;
    this.lastReadAt = now;
    // The feed takes over from the Scan's start: whatever was written during it is asked again.
    this.lastFeedQueryAt = now;
  }

  /** The safety-net Scan, while lists go on from memory; a failure is logged and makes the next list scan (and fail) itself. */
  private scanInBackground(now: number): void {
    if (this.backgroundScan) return;
    this.lastFullScanAt = now; // one attempt per interval, not one per list
    this.backgroundScan = this.fullScan(now)
      .catch((err: unknown) => {
        this.scanOwed = true;
        this.log().warn(
          { store: this.options.description, code: 'StatusScanFailed', err: (err as Error).message },
          'the periodic full read of the statuses failed; the next list reads them in full',
        );
      })
      .finally(() => (this.backgroundScan = undefined));
  }

  private async readFeed(now: number): Promise<void> {
    const start = this.epoch;
    const overlap = this.options.feedOverlapMs ?? STATUS_LIST_DEFAULTS.feedOverlapMs;
    const entries = await this.options.reads.changesSince((this.lastFeedQueryAt ?? now) - overlap);
    if (entries === undefined) {
      this.feedMissingAt = now;
      this.log().warn(
        { store: this.options.description, code: 'StatusFeedMissing' },
        'the state table has no "statusChanges" index; every list reads every status (see docs/configuration.md)',
      );
      await this.fullScan(now);
      return;
    }
    this.counts.feedQueries++;
    this.feedMissingAt = undefined;
    const stale = new Set<string>();
    for (const entry of entries) if (this.held.get(entry.name)?.changedAt !== entry.changedAt) stale.add(entry.name);
    if (stale.size > 0) {
      const items = await this.options.reads.read([...stale]);
      this.counts.statusesRead += items.size;
      for (const name of stale) this.apply(name, items.get(name), start);
    }
    this.lastFeedQueryAt = now;
    this.lastReadAt = now;
  }

  /** Takes what a read that began at epoch `start` found, unless the name changed here since. */
  private apply(name: string, item: ReadStatus | undefined, start: number): void {
    if ((this.changedIn.get(name) ?? 0) > start) return;
    const held = this.held.get(name);
    if (item === undefined) {
      if (!held) return;
      this.held.delete(name);
    } else {
      // The same stamp is the same write: the object already held is kept (no copy, same identity).
      if (held && item.changedAt !== undefined && held.changedAt === item.changedAt) return;
      this.held.set(name, { status: deepFreeze(item.status), changedAt: item.changedAt });
    }
    this.changedIn.set(name, ++this.epoch);
  }

  private log(): SourceLogger {
    return this.options.logger ?? { debug: () => undefined, warn: () => undefined };
  }
}
