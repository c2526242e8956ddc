// Keeps this replica's share of the shard leases. Every round (renewEvery, and at the moment a
// lease it waits for expires) it reads every member slot, shard lease, the plain lease and the
// shard-count lease at once (one BatchGetItem on DynamoDB), then:
//   0. renews the shard-count lease `<lease>/shard-count`, held by `shards=<N>`: every replica
//      with the same count renews it together, and a replica with another count (the plain
//      lease's mode, N = 1, included) cannot take it while it is live. A replica acts only while
//      it holds it, so replicas of two shard counts never act at the same moment;
//   1. renews its membership: one of `shards` member-slot leases (`<lease>/member-<j>`), so the
//      live replicas can be counted with the lease protocol alone (a replica beyond the shard
//      count gets no slot and stands by, as it would get no shard anyway);
//   2. renews the shard leases it holds (`<lease>/shard-<i>`, each with its own fencing token);
//   3. gives shards up above its fair share, ceil(shards / live replicas), once the passes under
//      way on them have finished, and releases their leases so another replica takes them at once;
//   4. takes free or expired shards up to its fair share.
// A shard is acted on only until `marginMs` before its lease's expiry: a replica cut off from the
// store stops before anyone else may start, even with clocks a little apart. A store that says
// it cannot be written (StoreUnavailable) ends every shard at once. The acquire/renew/lose rules
// are LeaseSlot's, as the plain lease's.
// It stands down (holds nothing) while a live replica runs with another shard count, or while a
// controller without sharding holds the lease `<lease>` itself: either would act on the same
// Releases under other leases.
import type { CancelTimer, Clock } from './clock.js';
import { LeaseSlot, type LeaseAttempt } from '../store/lease-slot.js';
import { isStoreUnavailable, readLeases, type Lease, type LeaseStore } from '../store/store.js';
import { shardCountHolder, shardCountLeaseName, shardLeaseName, shardOf } from './shard-of.js';

export interface ShardKeeperOptions {
  store: LeaseStore;
  clock: Clock;
  /** Who this replica is (host name + pid, a task ARN). */
  holder: string;
  /** The lease name the shard leases are named after (leaderElection.lease). */
  lease: string;
  shards: number;
  ttlMs: number;
  /** Default ttl/3. */
  renewEveryMs?: number;
  /** Acting stops this long before a lease's expiry; default ttl/5. */
  marginMs?: number;
}

/** Why a shard changed hands, as counted by keelson_shard_transitions_total{reason}. */
export type ShardTransitionReason = 'acquired' | 'handed_over' | 'taken' | 'expired' | 'stopped' | 'conflict' | 'unavailable';

export interface ShardTransition {
  shard: number;
  gained: boolean;
  reason: ShardTransitionReason;
}

/** What this replica last saw of every shard and member slot. */
export interface ShardView {
  shards: number;
  /** Live replicas counted at the last round (this one included when it has a slot). */
  members: number;
  fairShare: number;
  held: number[];
  /** Holder of each shard as last read; '' when free. Shards not read lately are left out. */
  holders: Record<number, string>;
  /** Why this replica holds nothing, while it stands down. */
  standingDown?: string;
}

/** Who holds which shard, read fresh from the store (`GET /api/v1/shards`). */
export interface ShardMap {
  shards: number;
  /** This replica. */
  replica: string;
  held: number[];
  fairShare: number;
  members: number;
  standingDown?: string;
  /** One entry per shard: its holder ('' when free or expired) and the lease's token. */
  leases: { shard: number; holder: string; token: number; expiresAt?: number }[];
}

const memberSlotName = (lease: string, slot: number): string => `${lease}/member-${slot}`;
/** A member slot's holder says who holds it and with how many shards it runs. */
const memberTag = (holder: string, shards: number): string => `${holder}#shards=${shards}`;
const shardsOfTag = (tag: string): number => Number(tag.slice(tag.lastIndexOf('#shards=') + '#shards='.length));
const holderOfTag = (tag: string): string => tag.slice(0, tag.lastIndexOf('#shards='));
const live = (lease: Lease | undefined, now: number): lease is Lease => lease !== undefined && lease.holder !== '' && lease.expiresAt > now;

/** The store cannot be written: thrown out of a round to give everything up at once. */
class Unavailable {
  constructor(readonly error: unknown) {}
}

export class ShardKeeper {
  readonly shards: number;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly marginMs: number;
  private readonly tag: string;
  private readonly held = new Map<number, LeaseSlot>();
  /** Shards being given up: not acted on, their lease kept until the passes under way end. */
  private readonly leaving = new Set<number>();
  private readonly inFlight = new Map<number, number>();
  private readonly drained = new Map<number, (() => void)[]>();
  private readonly listeners = new Set<(t: ShardTransition) => void>();
  /** Renewed by every replica running with this shard count; see the top of the file. */
  private readonly count: LeaseSlot;
  private slot: LeaseSlot | undefined;
  private members = 0;
  private standingDown: string | undefined;
  private readonly holders = new Map<number, string>();
  private timer: CancelTimer | undefined;
  private running = false;
  private rounds = 0;
  /** The last error from the store, for logs. */
  lastError: unknown;

  constructor(private readonly options: ShardKeeperOptions) {
    if (!Number.isInteger(options.shards) || options.shards < 1) throw new RangeError(`shards must be a whole number of at least 1, not ${options.shards}`);
    this.shards = options.shards;
    this.ttlMs = options.ttlMs;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
    this.marginMs = options.marginMs ?? Math.floor(options.ttlMs / 5);
    this.tag = memberTag(options.holder, options.shards);
    this.count = this.newSlot(shardCountLeaseName(options.lease), shardCountHolder(options.shards));
  }

  shardOf(release: string): number {
    return shardOf(release, this.shards);
  }

  /** The fence for a status write of `release`; undefined unless its shard is held and usable. */
  fence(release: string): { lease: string; token: number } | undefined {
    const shard = this.shardOf(release);
    const lease = this.usable(shard);
    if (!lease || this.leaving.has(shard)) return undefined;
    return { lease: lease.name, token: lease.token };
  }

  owns(release: string): boolean {
    return this.fence(release) !== undefined;
  }

  /** Runs one pass on `release`; a shard is released only once none of its passes is running. */
  async track<T>(release: string, pass: () => Promise<T>): Promise<T> {
    const shard = this.shardOf(release);
    this.inFlight.set(shard, (this.inFlight.get(shard) ?? 0) + 1);
    try {
      return await pass();
    } finally {
      const left = (this.inFlight.get(shard) ?? 1) - 1;
      this.inFlight.set(shard, left);
      if (left === 0) for (const done of this.drained.get(shard)?.splice(0) ?? []) done();
    }
  }

  /** Shards held and acted on, in order. */
  heldShards(): number[] {
    return [...this.held.keys()].filter((s) => !this.leaving.has(s) && this.usable(s)).sort((a, b) => a - b);
  }

  /** True once a round has run: the replica knows whether it holds shards or stands by. */
  get settled(): boolean {
    return this.rounds > 0;
  }

  view(): ShardView {
    return {
      shards: this.shards,
      members: this.members,
      fairShare: this.fairShare(),
      held: this.heldShards(),
      holders: Object.fromEntries([...this.holders].sort(([a], [b]) => a - b)),
      ...(this.standingDown ? { standingDown: this.standingDown } : {}),
    };
  }

  /** Reads every shard lease (one read where the store batches), made only when asked. */
  async shardMap(): Promise<ShardMap> {
    const now = this.options.clock.now();
    const names = Array.from({ length: this.shards }, (_, i) => shardLeaseName(this.options.lease, i));
    const read = await readLeases(this.options.store, names);
    const view = this.view();
    return {
      shards: this.shards,
      replica: this.options.holder,
      held: view.held,
      fairShare: view.fairShare,
      members: view.members,
      ...(view.standingDown ? { standingDown: view.standingDown } : {}),
      leases: names.map((name, shard) => {
        const l = read.get(name);
        const token = l?.token ?? 0;
        return live(l, now) ? { shard, holder: l.holder, token, expiresAt: l.expiresAt } : { shard, holder: '', token };
      }),
    };
  }

  onTransition(fn: (t: ShardTransition) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Runs the first round; resolves once it is done (shards held or not). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.round();
  }

  /**
   * Gives every shard and the member slot up, so the other replicas take them at once. The
   * shard-count lease is left to expire: the other replicas with this count renew it.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    this.timer = undefined;
    // The leases are taken before the slots forget them: drop() leaves release() nothing to give up.
    const given = [...this.held.values(), ...(this.slot ? [this.slot] : [])].map((slot) => ({ slot, lease: slot.lease }));
    for (const shard of [...this.held.keys()]) this.drop(shard, 'stopped');
    this.slot = undefined;
    this.count.drop();
    for (const { slot, lease } of given) {
      if (!lease) continue;
      await slot.release(lease);
      if (slot.lastError) this.lastError = slot.lastError;
    }
  }

  private async round(): Promise<void> {
    let nextIn = this.renewEveryMs;
    try {
      const seen = await this.readAll();
      nextIn = Math.min(nextIn, await this.keepShardCount(seen));
      nextIn = Math.min(nextIn, await this.keepMembership(seen));
      await this.renewHeld(seen);
      this.standingDown = this.standingDown ?? this.unshardedHolder(seen);
      if (this.running) nextIn = Math.min(nextIn, await this.balance(seen));
      this.lastError = undefined;
    } catch (err) {
      // Not answered: what is held lasts until its expiry (less the margin) at most. A store that
      // cannot be written ends it now: nothing done on a shard could be recorded.
      this.lastError = err instanceof Unavailable ? err.error : err;
      if (err instanceof Unavailable || isStoreUnavailable(err)) this.giveUpAll();
    }
    this.expireUnrenewed();
    // A lease not renewed by then is given up on the dot, not at the next round.
    const now = this.options.clock.now();
    for (const slot of [...this.held.values(), this.count]) if (slot.lease) nextIn = Math.min(nextIn, slot.usableUntil(slot.lease) - now);
    this.rounds++;
    if (this.running) this.timer = this.options.clock.setTimer(Math.max(1, nextIn), () => void this.round());
  }

  /** Member slots, shard leases, the plain lease and the shard-count lease in one read. */
  private async readAll(): Promise<Map<string, Lease>> {
    const { lease } = this.options;
    const names = [
      ...Array.from({ length: this.shards }, (_, j) => memberSlotName(lease, j)),
      ...Array.from({ length: this.shards }, (_, i) => shardLeaseName(lease, i)),
      lease,
      shardCountLeaseName(lease),
    ];
    return readLeases(this.options.store, names);
  }

  /** Renews or takes the shard-count lease; ms until another count's hold on it expires. */
  private async keepShardCount(seen: Map<string, Lease>): Promise<number> {
    const result = answered(await this.count.attempt(this.options.clock.now(), seen.get(this.count.name) ?? null));
    if (result.kind === 'won' || result.kind === 'renewed') {
      this.standingDown = undefined;
      return this.renewEveryMs;
    }
    if (result.kind === 'failed') throw result.error;
    const other = seen.get(shardCountLeaseName(this.options.lease));
    const now = this.options.clock.now();
    const runs = other && live(other, now) ? other.holder.replace(/^shards=/, '') : 'another number of';
    this.standingDown = `replicas running with ${runs} shards hold the lease ${shardCountLeaseName(this.options.lease)}, this one runs with ${this.shards}: standing down until they are gone`;
    return other && live(other, now) ? other.expiresAt - now : this.renewEveryMs;
  }

  /** Renews or takes a member slot and counts the live replicas; ms until another's slot expires. */
  private async keepMembership(seen: Map<string, Lease>): Promise<number> {
    const { lease } = this.options;
    const slots = Array.from({ length: this.shards }, (_, j) => seen.get(memberSlotName(lease, j)));
    const now = this.options.clock.now();
    let mine = slots.findIndex((l) => l?.holder === this.tag);
    if (mine < 0) mine = slots.findIndex((l) => !live(l, now));
    const name = mine < 0 ? undefined : memberSlotName(lease, mine);
    if (this.slot && this.slot.name !== name) this.slot.drop();
    if (name && this.slot?.name !== name) this.slot = this.newSlot(name, this.tag);
    if (!name) this.slot = undefined;
    if (this.slot) {
      const result = answered(await this.slot.attempt(this.options.clock.now(), seen.get(this.slot.name) ?? null));
      if (result.kind === 'failed') throw result.error;
      if (!this.slot.lease) this.slot = undefined;
      else if (!this.running) {
        // Stopped during this round: a slot kept now would count a replica that is gone.
        await this.slot.release();
        this.slot = undefined;
      }
    }
    const others = slots.filter((l, j): l is Lease => j !== mine && live(l, now));
    this.members = others.length + (this.slot ? 1 : 0);
    const mismatch = others.find((l) => shardsOfTag(l.holder) !== this.shards);
    this.standingDown = mismatch
      ? `replica ${holderOfTag(mismatch.holder)} runs with ${shardsOfTag(mismatch.holder)} shards, this one with ${this.shards}: standing down until one shard count is left`
      : (this.standingDown ?? (this.slot ? undefined : `every one of the ${this.shards} member slots is taken: standing by`));
    return Math.min(this.renewEveryMs, ...others.map((l) => l.expiresAt - now));
  }

  /** A controller without sharding acts on every Release under the plain lease. */
  private unshardedHolder(seen: Map<string, Lease>): string | undefined {
    const plain = seen.get(this.options.lease);
    if (!live(plain, this.options.clock.now())) return undefined;
    return `a controller without sharding (${plain.holder}) holds the lease ${this.options.lease}: standing down until it is gone`;
  }

  /** Renews every shard held; one not answered is kept until its expiry, the others renewed still. */
  private async renewHeld(seen: Map<string, Lease>): Promise<void> {
    let failure: unknown;
    for (const [shard, slot] of [...this.held]) {
      const result = answered(await slot.attempt(this.options.clock.now(), seen.get(slot.name) ?? null));
      if (result.kind === 'failed') failure ??= result.error;
      else if (result.kind === 'taken') this.drop(shard, 'taken');
      else if (result.kind === 'won') {
        // It changed hands between two renewals: what was done under the old token is not ours to go on with.
        await slot.release();
        this.drop(shard, 'taken');
      }
    }
    if (failure !== undefined) throw failure;
  }

  private fairShare(): number {
    if (this.standingDown || this.members === 0) return 0;
    return Math.ceil(this.shards / this.members);
  }

  /** Gives up shards above the fair share and takes free ones below it; ms until a wanted lease expires. */
  private async balance(seen: Map<string, Lease>): Promise<number> {
    const fair = this.fairShare();
    const active = [...this.held.keys()].filter((s) => !this.leaving.has(s)).sort((a, b) => a - b);
    const reason: ShardTransitionReason = this.standingDown ? 'conflict' : 'handed_over';
    for (const shard of active.slice(fair).reverse()) void this.handOver(shard, reason);
    let wanted = fair - Math.min(fair, active.length);
    let nextIn = this.renewEveryMs;
    if (wanted === 0) return nextIn;
    // Start at a point of the ring that differs per slot, so replicas starting together rarely race.
    const slotIndex = this.slot ? Number(this.slot.name.slice(this.slot.name.lastIndexOf('-') + 1)) : 0;
    const start = Math.floor((slotIndex * this.shards) / Math.max(1, this.members));
    for (let k = 0; k < this.shards && wanted > 0; k++) {
      const shard = (start + k) % this.shards;
      if (this.held.has(shard)) continue;
      const name = shardLeaseName(this.options.lease, shard);
      const current = seen.get(name);
      const now = this.options.clock.now();
      // Its own lease (kept across a store outage) is taken back as it stands.
      if (live(current, now) && current.holder !== this.options.holder) {
        this.holders.set(shard, current.holder);
        nextIn = Math.min(nextIn, current.expiresAt - now);
        continue;
      }
      const slot = this.newSlot(name, this.options.holder);
      const result = answered(await slot.attempt(now, current ?? null));
      if (result.kind === 'failed') throw result.error;
      if (!slot.lease) continue;
      if (!this.running) {
        await slot.release();
        continue;
      }
      this.held.set(shard, slot);
      this.holders.set(shard, this.options.holder);
      wanted--;
      this.emit({ shard, gained: true, reason: 'acquired' });
    }
    return nextIn;
  }

  /** Stops acting on the shard now; releases its lease once its passes under way are done. */
  private async handOver(shard: number, reason: ShardTransitionReason): Promise<void> {
    if (!this.held.has(shard) || this.leaving.has(shard)) return;
    this.leaving.add(shard);
    this.emit({ shard, gained: false, reason });
    if ((this.inFlight.get(shard) ?? 0) > 0) await new Promise<void>((resolve) => this.drained.set(shard, [...(this.drained.get(shard) ?? []), resolve]));
    const current = this.held.get(shard);
    this.held.delete(shard);
    this.leaving.delete(shard);
    this.holders.set(shard, '');
    if (current) {
      await current.release();
      if (current.lastError) this.lastError = current.lastError;
    }
  }

  /** The store cannot be written: every shard, the member slot and the shard count end now. */
  private giveUpAll(): void {
    for (const shard of [...this.held.keys()]) this.drop(shard, 'unavailable');
    this.slot?.drop();
    this.slot = undefined;
    this.count.drop();
    this.members = 0;
  }

  private expireUnrenewed(): void {
    const now = this.options.clock.now();
    this.count.expire(now);
    for (const [shard, slot] of [...this.held]) if (!this.leaving.has(shard) && slot.expire(now)) this.drop(shard, 'expired');
  }

  /** The shard's lease while it may be acted on: held, and the shard count held too. */
  private usable(shard: number): Lease | undefined {
    const now = this.options.clock.now();
    if (!this.count.held(now)) return undefined;
    return this.held.get(shard)?.held(now);
  }

  private drop(shard: number, reason: ShardTransitionReason): void {
    const slot = this.held.get(shard);
    if (!slot) return;
    this.held.delete(shard);
    slot.drop();
    const wasLeaving = this.leaving.delete(shard);
    this.holders.delete(shard);
    if (!wasLeaving) this.emit({ shard, gained: false, reason });
  }

  private newSlot(name: string, holder: string): LeaseSlot {
    return new LeaseSlot({ store: this.options.store, name, holder, ttlMs: this.ttlMs, marginMs: this.marginMs });
  }

  private emit(t: ShardTransition): void {
    for (const fn of [...this.listeners]) fn(t);
  }
}

/** An attempt the store refused to write is thrown out of the round (everything is given up). */
function answered(result: LeaseAttempt): Exclude<LeaseAttempt, { kind: 'unavailable' }> {
  if (result.kind === 'unavailable') throw new Unavailable(result.error);
  return result;
}
