// Polling for sources that are read over the network (Git, DynamoDB). While someone watches,
// one loop on the Clock reads the source, remembers the result, and tells the watchers when the
// revision moved or the source became (un)available; snapshot() then answers from that memory,
// so a change notice and the snapshot that follows it cost one read, not two.
import type { CancelTimer, Clock } from '../runtime/clock.js';
import { ChangeListeners } from './change-listeners.js';
import { SourceUnavailableError, type SourceSnapshot } from './source.js';

export interface SnapshotPollerOptions {
  clock: Clock;
  intervalMs: number;
  /** After a failed read, retry after initialMs, doubling up to maxMs. */
  backoff: { initialMs: number; maxMs: number };
  read: () => Promise<SourceSnapshot>;
}

type LastRead = { ok: true; snapshot: SourceSnapshot } | { ok: false; error: SourceUnavailableError };

export class SnapshotPoller {
  private readonly listeners = new ChangeListeners();
  private last: LastRead | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private timer: CancelTimer | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: SnapshotPollerOptions) {}

  /** While watched: the latest read (waiting for the first); otherwise a fresh read. */
  async current(): Promise<SourceSnapshot> {
    if (this.listeners.size === 0) return this.options.read();
    if (!this.last) await (this.running ?? this.refresh());
    const last = this.last!;
    if (last.ok) return last.snapshot;
    throw last.error;
  }

  watch(onChange: () => void): () => void {
    const unsubscribe = this.listeners.add(onChange);
    if (this.listeners.size === 1 && !this.closed) void this.refresh();
    return () => {
      unsubscribe();
      if (this.listeners.size === 0) this.stop();
    };
  }

  /**
   * Reads now. A read already under way may have started before the change that prompted this
   * call, so one more read is queued after it (several callers share that one).
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.running) {
      this.running = this.readOnce().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  /** Stops polling; resolves once a read under way has finished (no git process left behind). */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stop();
    await this.queued?.catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  private stop(): void {
    this.timer?.();
    this.timer = undefined;
    this.last = undefined;
    this.failures = 0;
  }

  private async readOnce(): Promise<void> {
    this.timer?.();
    this.timer = undefined;
    const before = this.last;
    try {
      const snapshot = await this.options.read();
      this.failures = 0;
      this.last = { ok: true, snapshot };
    } catch (err) {
      this.failures++;
      const error = err instanceof SourceUnavailableError ? err : new SourceUnavailableError((err as Error).message, err);
      this.last = { ok: false, error };
    }
    if (this.listeners.size === 0) {
      this.last = undefined; // nobody watches: the next snapshot() reads afresh
      return;
    }
    if (before && changed(before, this.last)) this.listeners.emit();
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.closed || this.listeners.size === 0) return;
    const { intervalMs, backoff } = this.options;
    const delay = this.failures === 0 ? intervalMs : Math.min(backoff.initialMs * 2 ** (this.failures - 1), backoff.maxMs);
    this.timer = this.options.clock.setTimer(delay, () => {
      this.timer = undefined;
      void this.refresh();
    });
  }
}

function changed(before: LastRead, after: LastRead): boolean {
  if (before.ok !== after.ok) return true;
  return before.ok && after.ok && before.snapshot.revision !== after.snapshot.revision;
}
