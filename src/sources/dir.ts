// The embedded default source: a folder of *.yaml / *.yml files (recursive). Changes are seen
// through fs.watch, with a poll of the folder's fingerprint on the Clock as a fallback for
// filesystems where watching misses events (network mounts, some containers). A snapshot
// re-reads only the files whose stat changed or that a file event named; the others' parsed
// Releases are reused. Now and then (contentCheckIntervalMs) a snapshot also compares the
// content of the others, so an edit no stat shows is not missed for good.
import { watch, type FSWatcher } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { CancelTimer, Clock } from '../runtime/clock.js';
import { ChangeListeners } from './change-listeners.js';
import { FOLDER_CHANGE_DEFAULTS, folderChanges } from './folder-changes.js';
import { GenerationLedger } from './generation-ledger.js';
import { folderFingerprint, listManifestFiles, readManifestText } from './manifest-files.js';
import { ParsedFiles } from './parsed-files.js';
import { assembleReleases, type ManifestText } from './snapshot.js';
import { SourceUnavailableError, type Source, type SourceSnapshot } from './source.js';
import { shortContentRevision } from './spec-hash.js';

export { applyToDirectory } from './dir-apply.js';

export const DIR_SOURCE_DEFAULTS = {
  pollIntervalMs: 5_000,
  debounceMs: 100,
} as const;

export interface DirSourceOptions {
  folder: string;
  clock: Clock;
  /** Where generations are kept across restarts (e.g. `<state>/generations/dir.json`); in memory when absent. */
  ledgerFile?: string;
  /** Fallback poll of the folder; 0 turns it off. Default 5s. */
  pollIntervalMs?: number;
  /** Bursts of file events within this time make one notice. Default 100ms. */
  debounceMs?: number;
  /** Use fs.watch (default true); the poll alone when false. */
  useFsWatch?: boolean;
  /** Files whose stat moved within this time are read again at the next snapshot. Default 2s. */
  racyWindowMs?: number;
  /**
   * A snapshot this long after the last content check (on the Clock) also compares the content
   * of the files whose stat did not move; 0 turns it off. Default 60s.
   */
  contentCheckIntervalMs?: number;
}

/** Counts since the source was made, for tests and logs. */
export interface DirSourceStats {
  snapshots: number;
  /** Files read and parsed. */
  filesParsed: number;
  /** Snapshots that compared the content of every file whose stat did not move. */
  contentChecks: number;
}

export class DirSource implements Source {
  readonly kind = 'dir';
  readonly description: string;
  private readonly folder: string;
  private readonly listeners = new ChangeListeners();
  private ledger: Promise<GenerationLedger> | undefined;
  private watcher: FSWatcher | undefined;
  private pollTimer: CancelTimer | undefined;
  private debounceTimer: CancelTimer | undefined;
  private lastFingerprint: string | undefined;
  private closed = false;
  private readonly parsed = new ParsedFiles();
  /** Files named by file events since the last snapshot. */
  private readonly touched = new Set<string>();
  /** Snapshots run one at a time: each builds on what the one before held. */
  private reading: Promise<unknown> = Promise.resolve();
  private readonly counts: DirSourceStats = { snapshots: 0, filesParsed: 0, contentChecks: 0 };
  /** When content was last known to match (the first read reads every file). */
  private contentCheckedAt: number | undefined;

  constructor(private readonly options: DirSourceOptions) {
    this.folder = resolve(options.folder);
    this.description = `dir:${options.folder}`;
  }

  snapshot(): Promise<SourceSnapshot> {
    const next = this.reading.then(() => this.read());
    this.reading = next.catch(() => undefined);
    return next;
  }

  stats(): DirSourceStats {
    return { ...this.counts };
  }

  private async read(): Promise<SourceSnapshot> {
    let listed: string[];
    try {
      listed = await listManifestFiles(this.folder);
    } catch (err) {
      throw new SourceUnavailableError(`cannot read folder ${this.folder}: ${(err as Error).message}`, err);
    }
    const touched = new Set(this.touched);
    this.touched.clear();
    const startedAt = this.options.clock.now();
    const compareContent = this.contentCheckDue(startedAt);
    try {
      const { changed, removed } = await folderChanges(this.folder, listed, this.parsed, touched, {
        // File times are written by the wall clock, so they are compared with it.
        wallNow: Date.now(),
        racyWindowMs: this.options.racyWindowMs ?? FOLDER_CHANGE_DEFAULTS.racyWindowMs,
        compareContent,
      });
      const texts: (ManifestText & { key: string })[] = [];
      for (const { file, key } of changed) {
        const text = await readManifestText(this.folder, file);
        if (text) texts.push({ ...text, key });
        else removed.push(file); // removed while listing
      }
      await this.parsed.update(texts, removed);
      this.counts.filesParsed += texts.length;
    } catch (err) {
      // Read again next time: what failed must not look read.
      for (const file of touched) this.touched.add(file);
      throw err;
    }
    this.counts.snapshots++;
    if (compareContent) this.counts.contentChecks++;
    if (compareContent || this.contentCheckedAt === undefined) this.contentCheckedAt = startedAt;
    const ledger = await this.openLedger();
    const releases = assembleReleases(this.parsed.candidates(), this.parsed.generations(ledger));
    await ledger.save();
    return { revision: shortContentRevision(this.parsed.listing()), releases, problems: [] };
  }

  /** Whether this snapshot also compares content: the first reads everything anyway. */
  private contentCheckDue(now: number): boolean {
    const interval = this.options.contentCheckIntervalMs ?? FOLDER_CHANGE_DEFAULTS.contentCheckIntervalMs;
    return interval > 0 && this.contentCheckedAt !== undefined && now - this.contentCheckedAt >= interval;
  }

  watch(onChange: () => void): () => void {
    const unsubscribe = this.listeners.add(onChange);
    if (this.listeners.size === 1) this.startWatching();
    return () => {
      unsubscribe();
      if (this.listeners.size === 0) this.stopWatching();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stopWatching();
  }

  private openLedger(): Promise<GenerationLedger> {
    this.ledger ??= GenerationLedger.open(this.options.ledgerFile);
    return this.ledger;
  }

  private startWatching(): void {
    if (this.options.useFsWatch !== false) this.startFsWatch();
    const pollMs = this.options.pollIntervalMs ?? DIR_SOURCE_DEFAULTS.pollIntervalMs;
    if (pollMs > 0) {
      void folderFingerprint(this.folder).then((fp) => {
        this.lastFingerprint ??= fp;
      });
      this.schedulePoll(pollMs);
    }
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.pollTimer?.();
    this.pollTimer = undefined;
    this.debounceTimer?.();
    this.debounceTimer = undefined;
    this.lastFingerprint = undefined;
  }

  private startFsWatch(): void {
    try {
      this.watcher = watch(this.folder, { recursive: true }, (_event, file) => {
        if (typeof file === 'string') this.touched.add(file.split(sep).join('/'));
        this.changed();
      });
      // The folder vanished or cannot be watched any more: the poll carries on, and re-watches.
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
        this.changed();
      });
    } catch {
      this.watcher = undefined;
    }
  }

  private schedulePoll(pollMs: number): void {
    this.pollTimer = this.options.clock.setTimer(pollMs, () => {
      void this.poll().finally(() => {
        if (!this.closed && this.listeners.size > 0) this.schedulePoll(pollMs);
      });
    });
  }

  private async poll(): Promise<void> {
    const fingerprint = await folderFingerprint(this.folder);
    if (this.lastFingerprint !== undefined && fingerprint !== this.lastFingerprint) this.changed();
    this.lastFingerprint = fingerprint;
    if (!this.watcher && this.options.useFsWatch !== false && !fingerprint.startsWith('unreadable:')) this.startFsWatch();
  }

  /** Debounced on the Clock: an editor's save is often several events. */
  private changed(): void {
    if (this.closed || this.debounceTimer) return;
    this.debounceTimer = this.options.clock.setTimer(this.options.debounceMs ?? DIR_SOURCE_DEFAULTS.debounceMs, () => {
      this.debounceTimer = undefined;
      this.listeners.emit();
    });
  }
}
