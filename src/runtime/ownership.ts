// Which Releases this replica may act on, whatever the sharding: the controller, its queue, the
// readiness probe and the metrics see one interface. With sharding.shards > 1 it is the
// ShardKeeper; without, the plain lease `<lease>` as the one-shard case (shard 0 holds every
// Release), taken only while this replica also holds the shard-count lease under `shards=1`, so
// a controller without sharding and sharded replicas never act at the same moment.
import { LeaseKeeper } from '../store/lease-keeper.js';
import { ShardKeeper, type ShardKeeperOptions, type ShardMap, type ShardTransition, type ShardTransitionReason, type ShardView } from './shard-keeper.js';
import { shardCountHolder, shardCountLeaseName } from './shard-of.js';

export interface Ownership {
  /** 1 without sharding. */
  readonly shards: number;
  start(): Promise<void>;
  /** Gives up what is held, so another replica takes it at once. */
  stop(): Promise<void>;
  owns(release: string): boolean;
  /** The fence for a status write of `release`; undefined unless it may be acted on now. */
  fence(release: string): { lease: string; token: number } | undefined;
  /** Runs one pass on `release`, so a shard is handed over only once its passes are done. */
  track<T>(release: string, pass: () => Promise<T>): Promise<T>;
  shardOf(release: string): number;
  heldShards(): number[];
  /** True once it is known whether this replica holds anything or stands by. */
  readonly settled: boolean;
  onTransition(fn: (t: ShardTransition) => void): () => void;
  view(): ShardView;
  /** Who holds which shard, read from the store; only with sharding. */
  shardMap?(): Promise<ShardMap>;
  /** The last error from the store, for logs. */
  readonly lastError: unknown;
}

/** The shard keeper's options: with `shards` 1 they describe the plain lease. */
export type OwnershipOptions = Omit<ShardKeeperOptions, 'marginMs'>;

export function createOwnership(options: OwnershipOptions): Ownership {
  return options.shards > 1 ? new ShardKeeper(options) : new PlainOwnership(options);
}

/** One lease for every Release: the one-shard case. */
class PlainOwnership implements Ownership {
  readonly shards = 1;
  /** The plain lease `<lease>`, as without sharding. */
  private readonly lease: LeaseKeeper;
  private readonly count: LeaseKeeper;
  private readonly listeners = new Set<(t: ShardTransition) => void>();
  private owned = false;
  private running = false;
  private countRefused = false;
  private started = false;

  constructor(private readonly options: OwnershipOptions) {
    const { store, clock, holder, lease, ttlMs, renewEveryMs } = options;
    const timing = { ttlMs, ...(renewEveryMs !== undefined ? { renewEveryMs } : {}) };
    this.lease = new LeaseKeeper({ store, clock, holder, name: lease, ...timing });
    // Renewed by every controller without sharding together; never given up, only left to expire.
    this.count = new LeaseKeeper({ store, clock, holder: shardCountHolder(1), name: shardCountLeaseName(lease), ...timing, marginMs: Math.floor(ttlMs / 5), releaseOnStop: false });
    this.count.onAcquired(() => {
      this.countRefused = false;
      // At start() the first attempt at the plain lease is awaited there.
      if (this.running && this.started) void this.lease.start();
    });
    this.count.onLost((reason) => {
      // Taken: another shard count holds it now.
      if (reason === 'taken') this.countRefused = true;
      this.update(reason === 'taken' ? 'conflict' : reason);
      void this.lease.stop();
    });
    this.lease.onAcquired(() => this.update('acquired'));
    this.lease.onLost((reason) => this.update(reason));
  }

  get settled(): boolean {
    return this.started;
  }

  get lastError(): unknown {
    return this.lease.lastError ?? this.count.lastError;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.count.start();
    if (this.count.isLeader) await this.lease.start();
    else this.countRefused = true;
    this.started = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.lease.stop();
    await this.count.stop();
  }

  fence(): { lease: string; token: number } | undefined {
    return this.count.isLeader ? this.lease.fence : undefined;
  }

  owns(): boolean {
    return this.fence() !== undefined;
  }

  track<T>(_release: string, pass: () => Promise<T>): Promise<T> {
    return pass();
  }

  shardOf(): number {
    return 0;
  }

  heldShards(): number[] {
    return this.owns() ? [0] : [];
  }

  onTransition(fn: (t: ShardTransition) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  view(): ShardView {
    const held = this.heldShards();
    const standingDown = this.countRefused && !this.count.isLeader ? this.standingDownReason() : undefined;
    return { shards: 1, members: held.length, fairShare: standingDown ? 0 : 1, held, holders: held.length ? { 0: this.options.holder } : {}, ...(standingDown ? { standingDown } : {}) };
  }

  private standingDownReason(): string {
    return `replicas running with sharding hold the lease ${shardCountLeaseName(this.options.lease)}, this one runs without: standing down until they are gone`;
  }

  private update(reason: ShardTransitionReason): void {
    const owned = this.owns();
    if (owned === this.owned) return;
    this.owned = owned;
    const t: ShardTransition = { shard: 0, gained: owned, reason: owned ? 'acquired' : reason };
    for (const fn of [...this.listeners]) fn(t);
  }
}
