// Keeps a named lease: acquires it, renews it every ttl/3 on the Clock, says when it was won
// or lost, and gives it up on stop. One keeper per lease name, so a lease per shard is one
// more keeper. Leadership ends at the lease's expiry unless a renewal landed: a controller that
// cannot reach its store stops acting before anyone else may start. A store that answers it
// cannot be written (StoreUnavailable: a full or read-only disk) ends leadership at once, as no
// status could be kept; attempts then back off, and the lease is taken back once a write lands.
// The acquire/renew/lose rules are LeaseSlot's, shared with the shard keeper (src/runtime).
import type { CancelTimer, Clock } from '../runtime/clock.js';
import { LeaseSlot } from './lease-slot.js';
import type { Lease, LeaseStore } from './store.js';

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
  /** Leadership ends this long before the lease's expiry (a margin for clocks apart); default 0. */
  marginMs?: number;
  /** Give the lease up on stop (default true); false for a lease others renew under the same holder. */
  releaseOnStop?: boolean;
}

export type LeaseLostReason = 'taken' | 'expired' | 'stopped' | 'unavailable';

export class LeaseKeeper {
  readonly name: string;
  private readonly renewEveryMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly slot: LeaseSlot;
  /** Attempts in a row that failed. */
  private failures = 0;
  private renewTimer: CancelTimer | undefined;
  private expiryTimer: CancelTimer | undefined;
  private running = false;
  private readonly acquiredListeners = new Set<(lease: Lease) => void>();
  private readonly lostListeners = new Set<(reason: LeaseLostReason, error?: unknown) => void>();
  /** The last error from the store, for status and logs. */
  lastError: unknown;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.name = options.name ?? LEASE_DEFAULTS.name;
    const ttlMs = options.ttlMs ?? LEASE_DEFAULTS.ttlMs;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(ttlMs / 3));
    this.maxRetryDelayMs = Math.max(this.renewEveryMs, options.maxRetryDelayMs ?? 30_000);
    this.slot = new LeaseSlot({ store: options.store, name: this.name, holder: options.holder, ttlMs, marginMs: options.marginMs ?? 0 });
  }

  get isLeader(): boolean {
    return this.slot.held(this.options.clock.now()) !== undefined;
  }

  /** The fencing token to put on every status write; undefined when not leader. */
  get token(): number | undefined {
    return this.lease?.token;
  }

  get fence(): { lease: string; token: number } | undefined {
    const token = this.token;
    return token === undefined ? undefined : { lease: this.name, token };
  }

  get lease(): Lease | undefined {
    return this.slot.held(this.options.clock.now());
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
    const held = this.slot.drop();
    if (held) {
      this.lose('stopped');
      if (this.options.releaseOnStop !== false) {
        await this.slot.release(held);
        this.lastError = this.slot.lastError;
      }
    }
  }

  private async attempt(): Promise<void> {
    const { clock } = this.options;
    const result = await this.slot.attempt(clock.now());
    if (result.kind === 'failed' || result.kind === 'unavailable') {
      // The store cannot be reached: leadership lasts until the lease's expiry at most; one that
      // cannot be written ends it now.
      this.lastError = result.error;
      this.failures++;
      if (result.kind === 'unavailable' && result.lost) this.lose('unavailable', result.error);
    } else {
      this.lastError = undefined;
      this.failures = 0;
      if (!this.running) {
        // Stopped while this attempt was under way: what it won is given up as stop() would have.
        if (result.kind === 'won' || result.kind === 'renewed') {
          if (this.options.releaseOnStop !== false) await this.slot.release();
          else this.slot.drop();
        }
        return;
      }
      if (result.kind === 'won' || result.kind === 'renewed') this.keep(result.lease, result.kind === 'won');
      else if (result.kind === 'taken') this.lose('taken');
    }
    if (this.running) this.renewTimer = clock.setTimer(this.nextAttemptIn(), () => void this.attempt());
  }

  /** Renewals keep their pace while the lease is held; failed attempts without it back off. */
  private nextAttemptIn(): number {
    if (this.failures === 0 || this.slot.lease) return this.renewEveryMs;
    return Math.min(this.maxRetryDelayMs, this.renewEveryMs * 2 ** (this.failures - 1));
  }

  private keep(lease: Lease, won: boolean): void {
    this.expiryTimer?.();
    this.expiryTimer = this.options.clock.setTimer(this.slot.usableUntil(lease) - this.options.clock.now(), () => {
      this.expiryTimer = undefined;
      if (this.slot.lease === lease && this.slot.expire(this.options.clock.now())) this.lose('expired', this.lastError);
    });
    if (won) for (const fn of [...this.acquiredListeners]) fn(lease);
  }

  /** Tells the listeners; the slot has already forgotten the lease. */
  private lose(reason: LeaseLostReason, error?: unknown): void {
    this.expiryTimer?.();
    this.expiryTimer = undefined;
    for (const fn of [...this.lostListeners]) fn(reason, error);
  }
}
