// The status list's rules with reads whose answers and timing the test decides: a read that began
// before this process wrote never hides the write; a change the feed shows late is still found;
// a failed background Scan is seen.
import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { StatusListCache, type ReadStatus, type StatusListReads } from '../../../src/store/status-list-cache.js';
import { status } from '../../helpers/statuses.js';

/** A table in memory with a feed the test can hold back (an index that lags). */
class FakeTable implements StatusListReads {
  readonly items = new Map<string, ReadStatus>();
  /** Names the feed does not show yet. */
  readonly lagging = new Set<string>();
  /** When set, the next scan waits for it before answering with what the table held when it began. */
  hold: Promise<void> | undefined;
  failScan = false;
  readonly sinceAsked: number[] = [];

  put(name: string, s: ReleaseStatus, changedAt: number): void {
    this.items.set(name, { status: s, changedAt });
  }

  async scan(): Promise<Map<string, ReadStatus>> {
    if (this.failScan) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    const seen = new Map(this.items);
    const hold = this.hold;
    this.hold = undefined;
    await hold;
    return seen;
  }

  async changesSince(since: number): Promise<{ name: string; changedAt: number }[]> {
    this.sinceAsked.push(since);
    return [...this.items].filter(([name, i]) => !this.lagging.has(name) && i.changedAt !== undefined && i.changedAt >= since).map(([name, i]) => ({ name, changedAt: i.changedAt! }));
  }

  async read(names: readonly string[]): Promise<Map<string, ReadStatus>> {
    return new Map(names.flatMap((n) => (this.items.has(n) ? [[n, this.items.get(n)!] as const] : [])));
  }
}

function cacheOn(table: FakeTable, clock: VirtualClock, warnings: Record<string, unknown>[] = []): StatusListCache {
  return new StatusListCache({ reads: table, clock, description: 'dynamodb:state', logger: { debug: () => undefined, warn: (f) => void warnings.push(f) }, fullScanIntervalMs: 60_000 });
}

describe('StatusListCache', () => {
  it('never lets a read that began before this process wrote show the older status, nor bring back a status it deleted', async () => {
    const clock = new VirtualClock();
    const table = new FakeTable();
    table.put('web', status('Progressing'), clock.now());
    table.put('api', status('Healthy'), clock.now());
    const cache = cacheOn(table, clock);
    let release!: () => void;
    table.hold = new Promise((resolve) => (release = resolve));
    const listing = cache.list(); // the first Scan, held back after reading the table
    await Promise.resolve();
    // Written and deleted while the Scan is on its way back with what it saw before.
    cache.wrote('web', status('Healthy', { message: 'promoted' }), clock.now() + 1);
    cache.deleted('api');
    release();
    const listed = await listing;
    expect(listed.get('web')?.message).toBe('promoted');
    expect(listed.has('api')).toBe(false);
  });

  it('finds a change the eventually consistent feed showed late: each Query overlaps the previous one', async () => {
    const clock = new VirtualClock();
    const table = new FakeTable();
    const cache = cacheOn(table, clock);
    await cache.list();
    await clock.advance(5_000);
    table.put('web', status('Progressing'), clock.now());
    table.lagging.add('web');
    await clock.advance(1_000);
    expect((await cache.list()).has('web')).toBe(false); // not in the index yet
    table.lagging.clear();
    await clock.advance(1_000);
    expect((await cache.list()).get('web')?.phase).toBe('Progressing');
    // Each Query starts feedOverlapMs (30 s) before the previous Query started.
    expect(table.sinceAsked).toEqual([clock.now() - 7_000 - 30_000, clock.now() - 1_000 - 30_000]);
  });

  it('logs a failed background Scan with its code, and the next list reads in full itself so the failure reaches its caller', async () => {
    const clock = new VirtualClock();
    const table = new FakeTable();
    table.put('web', status('Healthy'), clock.now());
    const warnings: Record<string, unknown>[] = [];
    const cache = cacheOn(table, clock, warnings);
    await cache.list();
    table.failScan = true;
    await clock.advance(60_000);
    expect((await cache.list()).has('web')).toBe(true); // served while the Scan runs
    await cache.settle();
    expect(warnings).toEqual([expect.objectContaining({ code: 'StatusScanFailed' })]);
    await expect(cache.list()).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    table.failScan = false;
    table.items.delete('web');
    expect((await cache.list()).size).toBe(0);
  });

  it('copies nothing for a process that never lists: writes are kept only once a list has been asked for', async () => {
    const clock = new VirtualClock();
    const table = new FakeTable();
    const cache = cacheOn(table, clock);
    cache.wrote('web', status('Healthy'), clock.now());
    table.put('api', status('Healthy'), clock.now());
    // The first list reads the table in full: 'web' was never written there, so it is not shown.
    expect([...(await cache.list()).keys()]).toEqual(['api']);
  });
});
