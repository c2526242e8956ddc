// The embedded default source: a folder of *.yaml / *.yml files (recursive). Changes are seen
// through fs.watch, with a poll of the folder's fingerprint on the Clock as a fallback for
// filesystems where watching misses events (network mounts, some containers).
import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import type { CancelTimer, Clock } from '../runtime/clock.js';
import { ChangeListeners } from './change-listeners.js';
import { GenerationLedger } from './generation-ledger.js';
import { folderFingerprint, readManifestFolder } from './manifest-files.js';
import { assembleReleases, candidatesFromTexts, ledgerGenerations } from './snapshot.js';
import type { Source, SourceSnapshot } from './source.js';
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

  constructor(private readonly options: DirSourceOptions) {
    this.folder = resolve(options.folder);
    this.description = `dir:${options.folder}`;
  }

  async snapshot(): Promise<SourceSnapshot> {
    const manifests = await readManifestFolder(this.folder);
    const ledger = await this.openLedger();
    const releases = assembleReleases(await candidatesFromTexts(manifests), ledgerGenerations(ledger));
    await ledger.save();
    const listing = manifests.map((m) => `${m.file}\0${m.sourceRevision}`).join('\n');
    return { revision: shortContentRevision(listing), releases, problems: [] };
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
      this.watcher = watch(this.folder, { recursive: true }, () => this.changed());
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
