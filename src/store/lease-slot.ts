// One lease as every keeper holds it (the plain lease, a shard's, a member slot, the shard-count
// lease): the rules for acquiring, renewing and losing it live here once.
//   - an attempt takes the lease if free or expired and renews it if ours (a new token when it
//     changed hands);
//   - answered "someone else holds it", what was held is lost at once (taken);
//   - a store that says it cannot be written (StoreUnavailable) ends holding at once: nothing
//     done under the lease could be recorded;
//   - any other failure leaves the lease held until its expiry less `marginMs` at most, the margin
//     for clocks a little apart: the holder stops before anyone else may start.
import { isStoreUnavailable, type Lease, type LeaseStore } from './store.js';

export type LeaseAttempt =
  /** Taken anew: not held before, or held under another token (it changed hands in between). */
  | { kind: 'won'; lease: Lease; replaced?: Lease }
  | { kind: 'renewed'; lease: Lease }
  /** Held before; another holder has it now. */
  | { kind: 'taken'; lost: Lease }
  /** Not held, and another holds it. */
  | { kind: 'refused' }
  /** The store cannot be written: whatever was held is given up now. */
  | { kind: 'unavailable'; error: unknown; lost?: Lease }
  /** The store did not answer: what is held lasts until its expiry (less the margin). */
  | { kind: 'failed'; error: unknown };

export interface LeaseSlotOptions {
  store: LeaseStore;
  name: string;
  holder: string;
  ttlMs: number;
  /** Holding ends this long before the lease's expiry; default 0. */
  marginMs?: number;
}

export class LeaseSlot {
  readonly name: string;
  private current: Lease | undefined;
  /** The last error from the store, for status and logs; cleared by an answer. */
  lastError: unknown;

  constructor(private readonly options: LeaseSlotOptions) {
    this.name = options.name;
  }

  /** The lease as last taken or renewed, usable or not; see held(now). */
  get lease(): Lease | undefined {
    return this.current;
  }

  /** The lease while it may be acted on at `now`. */
  held(now: number): Lease | undefined {
    const lease = this.current;
    return lease && now < this.usableUntil(lease) ? lease : undefined;
  }

  /** The moment acting under `lease` must stop. */
  usableUntil(lease: Lease): number {
    return lease.expiresAt - (this.options.marginMs ?? 0);
  }

  /** One acquire-or-renew; `now` is read when the call is made; `seen` as LeaseStore.acquire takes it. */
  async attempt(now: number, seen?: Lease | null): Promise<LeaseAttempt> {
    const { store, name, holder, ttlMs } = this.options;
    const before = this.current;
    let lease: Lease | undefined;
    try {
      lease = await store.acquire(name, holder, ttlMs, now, seen);
    } catch (error) {
      this.lastError = error;
      if (!isStoreUnavailable(error)) return { kind: 'failed', error };
      this.current = undefined;
      return before ? { kind: 'unavailable', error, lost: before } : { kind: 'unavailable', error };
    }
    this.lastError = undefined;
    if (!lease) {
      this.current = undefined;
      return before ? { kind: 'taken', lost: before } : { kind: 'refused' };
    }
    this.current = lease;
    if (before && before.token === lease.token) return { kind: 'renewed', lease };
    return before ? { kind: 'won', lease, replaced: before } : { kind: 'won', lease };
  }

  /** Forgets the lease once it may no longer be acted on; true when it was held until now. */
  expire(now: number): boolean {
    if (!this.current || now < this.usableUntil(this.current)) return false;
    this.current = undefined;
    return true;
  }

  /** Forgets the lease without a call (it is given up by release() or left to expire). */
  drop(): Lease | undefined {
    const lease = this.current;
    this.current = undefined;
    return lease;
  }

  /** Gives the lease up in the store so another may take it at once. */
  async release(lease = this.drop()): Promise<void> {
    if (!lease) return;
    await this.options.store.release(lease).catch((err: unknown) => {
      this.lastError = err;
    });
  }
}
