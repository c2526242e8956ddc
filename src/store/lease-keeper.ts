// Keeps a named lease: acquires it, renews it every ttl/3 on the Clock, says when it was won
// or lost, and gives it up on stop. One keeper per lease name, so a lease per shard is one
// more keeper. Leadership ends at the lease's expiry unless a renewal landed: a controller that
// cannot reach its store stops acting before anyone else may start. A store that answers it
// cannot be written (StoreUnavailable: a full or read-only disk) ends leadership at once, as no
// status could be kept; attempts then back off, and the lease is taken back once a write lands.
import type { CancelTimer, Clock } from '../runtime/clock.js';
import { isStoreUnavailable, type Lease, type LeaseStore } from './store.js';

export const LEASE_DEFAULTS = {
  name: 'keelson-controller',
  ttlMs: 15_000,
} as const;

export interface LeaseKeeperOptions {
  store: LeaseStore;
  clock: Clock;
  /** Who this process is (host name + pid, a task ARN): shown as the lease's holder. */
  holder: string;
  name?: string;
  ttlMs?: number;
  /** Default ttl/3. */
  renewEveryMs?: number;
  /** Attempts that fail while not leader back off, doubling from renewEveryMs up to this (default 30s). */
  maxRetryDelayMs?: number;
}

export type LeaseLostReason = 'taken' | 'expired' | 'stopped' | 'unavailable';

export class LeaseKeeper {
  readonly name: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly maxRetryDelayMs: number;
  /** Attempts in a row that failed. */
  private failures = 0;
  private held: Lease | undefined;
  private renewTimer: CancelTimer | undefined;
  private expiryTimer: CancelTimer | undefined;
  private running = false;
  private readonly acquiredListeners = new Set<(lease: Lease) => void>();
  private readonly lostListeners = new Set<(reason: LeaseLostReason, error?: unknown) => void>();
  /** The last error from the store, for status and logs. */
  lastError: unknown;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.name = options.name ?? LEASE_DEFAULTS.name;
    this.ttlMs = options.ttlMs ?? LEASE_DEFAULTS.ttlMs;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.maxRetryDelayMs = Math.max(this.renewEveryMs, options.maxRetryDelayMs ?? 30_000);
  }

  get isLeader(): boolean {
    return this.held !== undefined && this.options.clock.now() < this.held.expiresAt;
  }

  /** The fencing token to put on every status write; undefined when not leader. */
  get token(): number | undefined {
    return this.isLeader ? this.held?.token : undefined;
  }

  get fence(): { lease: string; token: number } | undefined {
    const token = this.token;
    return token === undefined ? undefined : { lease: this.name, token };
  }

  get lease(): Lease | undefined {
    return this.isLeader ? this.held : undefined;
  }

  onAcquired(fn: (lease: Lease) => void): () => void {
    this.acquiredListeners.add(fn);
    return () => this.acquiredListeners.delete(fn);
  }

  onLost(fn: (reason: LeaseLostReason, error?: unknown) => void): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  /** Starts keeping the lease; resolves after the first attempt (leader or not). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.attempt();
  }

  /** Stops renewing and gives the lease up, so a standby can take it at once. */
  async stop(): Promise<void> {
    this.running = false;
    this.renewTimer?.();
    this.renewTimer = undefined;
    const held = this.held;
    if (held) {
      this.lose('stopped');
      await this.options.store.release(held).catch((err: unknown) => {
        this.lastError = err;
      });
    }
  }

  private async attempt(): Promise<void> {
    const { store, clock, holder } = this.options;
    try {
      const lease = await store.acquire(this.name, holder, this.ttlMs, clock.now());
      this.lastError = undefined;
      this.failures = 0;
      if (!this.running) {
        if (lease) await store.release(lease);
        return;
      }
      if (lease) this.keep(lease);
      else if (this.held) this.lose('taken');
    } catch (err) {
      // The store cannot be reached: leadership lasts until the lease's expiry at most; one that
      // cannot be written ends it now.
      this.lastError = err;
      this.failures++;
      if (isStoreUnavailable(err)) this.lose('unavailable', err);
    }
    if (this.running) this.renewTimer = clock.setTimer(this.nextAttemptIn(), () => void this.attempt());
  }

  /** Renewals keep their pace while the lease is held; failed attempts without it back off. */
  private nextAttemptIn(): number {
    if (this.failures === 0 || this.held) return this.renewEveryMs;
    return Math.min(this.maxRetryDelayMs, this.renewEveryMs * 2 ** (this.failures - 1));
  }

  private keep(lease: Lease): void {
    const won = !this.held || this.held.token !== lease.token;
    this.held = lease;
    this.expiryTimer?.();
    this.expiryTimer = this.options.clock.setTimer(lease.expiresAt - this.options.clock.now(), () => {
      this.expiryTimer = undefined;
      if (this.held === lease) this.lose('expired', this.lastError);
    });
    if (won) for (const fn of [...this.acquiredListeners]) fn(lease);
  }

  private lose(reason: LeaseLostReason, error?: unknown): void {
    if (!this.held) return;
    this.held = undefined;
    this.expiryTimer?.();
    this.expiryTimer = undefined;
    for (const fn of [...this.lostListeners]) fn(reason, error);
  }
}
