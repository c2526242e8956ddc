// The controller: sources feed desired specs, a keyed work queue serialises passes per Release,
// the reconciler acts, the store keeps status. Invalid manifests and lost sources are handled here
// so that the reconciler only ever sees a valid spec.
import type { Logger } from 'pino';
import { formatProblem, type ManifestProblem } from '../api/problem.js';
import type { Release, ReleaseStatus } from '../api/types.js';
import type { DesiredRelease, PassAttempt, Reconciler } from '../../controllers/release/reconciler.js';
import { initialStatus, REASONS, setCondition, conditionsForPhase } from '../../controllers/release/status.js';
import { callPriority } from '../../controllers/release/call-priority.js';
import type { Source, SourceSnapshot } from '../sources/source.js';
import type { LastKnownSpec, StateStore, StoredRelease } from '../store/store.js';
import type { Clock } from './clock.js';
import { refusedClaims, type Refusal } from './claims.js';
import { coalesce } from './coalesce.js';
import { startResync, type Resync } from './resync.js';
import type { Lane } from './work-queue.js';

export interface ControllerQueue {
  /** Default lane `urgent`: the periodic resync of a settled Release is the one `steady` caller. */
  add(key: string, lane?: Lane): void;
  addAfter(key: string, ms: number, lane?: Lane): void;
  remove(key: string): void;
  idle(): Promise<void>;
  shutdown(options: { drain: boolean }): Promise<void>;
}

export type QueueFactory = (handler: (key: string, attempt: PassAttempt) => Promise<{ requeueAfter?: number; lane?: Lane } | void>) => ControllerQueue;

export interface ControllerOptions {
  sources: Source[];
  store: StateStore;
  reconciler: Pick<Reconciler, 'reconcile'> & Partial<Pick<Reconciler, 'forget'>>;
  clock: Clock;
  logger: Logger;
  queue: QueueFactory;
  /** The lease token to write a Release's status with (its shard's lease when sharded); undefined while standing by. */
  fence: (release: string) => { lease: string; token: number } | undefined;
  /** Every Release is looked at this often even when nothing changed, and every source read. */
  resyncMs: number;
  /** Uniform in [0, 1): spreads the resync of each Release over the period. */
  random: () => number;
  /** Releases resynced at the same moment (default 1): the queue's concurrency lets their reads share calls. */
  resyncGroup?: number;
}

interface Held {
  desired: DesiredRelease;
  source: Source;
  /** Why the source is stale, while it is. */
  stale?: string;
}

export interface SourceHealth {
  description: string;
  ready: boolean;
  lastSyncAt?: number;
  message: string;
}

export class Controller {
  private readonly held = new Map<string, Held>();
  /** When each held Release was first seen: the earlier of two claimants keeps a resource. */
  private readonly firstSeen = new Map<string, number>();
  /** Releases refused because another holds what they name. */
  private refused = new Map<string, Refusal>();
  private readonly sourceHealth = new Map<Source, SourceHealth>();
  /** Sources read, or resumed from the store, since start: a failed read of one resumes nothing more. */
  private readonly settled = new Set<Source>();
  /** The last known spec of each Release as the store holds it; undefined until it could be read. */
  private lastKnown: Map<string, LastKnownSpec> | undefined;
  /** Releases gone from their source whose Orphaned status could not be written yet. */
  private readonly orphansToMark = new Map<string, Source>();
  /** Releases whose last pass left a rollout (or a revert, an abort, a new spec) under way: never `steady`. */
  private readonly underWay = new Set<string>();
  private readonly queue: ControllerQueue;
  private readonly unwatch: (() => void)[] = [];
  /** One read of each source at a time, whoever asks (start-up, a change, the periodic read). */
  private readonly reads = new Map<Source, () => Promise<void>>();
  private cancelSourceSync: (() => void) | undefined;
  private resync: Resync | undefined;
  private stopped = false;

  constructor(private readonly options: ControllerOptions) {
    this.queue = options.queue((key, attempt) => this.reconcileOne(key, attempt));
  }

  async start(): Promise<void> {
    for (const source of this.options.sources) {
      this.sourceHealth.set(source, { description: source.description, ready: false, message: 'not synced yet' });
      // Changes reported while a read is running are picked up by one more read, not one each.
      const read = coalesce(() => this.sync(source), (err) => this.warnSync(source, err));
      this.reads.set(source, read);
      this.unwatch.push(source.watch(() => void read()));
    }
    await this.loadLastKnown();
    await Promise.all(this.options.sources.map((s) => this.readSource(s)));
    this.scheduleSourceSync();
    // Each Release at its own moment of the period: 5,000 of them trickle rather than burst.
    this.resync = startResync({
      clock: this.options.clock,
      periodMs: this.options.resyncMs,
      keys: () => this.held.keys(),
      enqueue: (name) => this.queue.add(name, this.laneOf(name)),
      random: this.options.random,
      ...(this.options.resyncGroup !== undefined ? { groupSize: this.options.resyncGroup } : {}),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelSourceSync?.();
    this.resync?.stop();
    for (const u of this.unwatch) u();
    await this.queue.shutdown({ drain: true });
  }

  /** Look at a Release again now (after a promote/abort/retry, say), before the steady resync. */
  enqueue(name: string): void {
    this.queue.add(name);
  }

  /**
   * Every held Release (or those `which` picks) looked at again, after a lease is taken or the
   * state store can be written again: those with something under way (a rollout, a revert, an
   * operation asked for, a spec not yet taken up) in the urgent lane, settled ones in the steady
   * lane, so a rollout does not wait behind thousands of quiet looks. The stored statuses say
   * which; when they cannot be read, every one is urgent.
   */
  async requeueAll(which: (name: string) => boolean = () => true): Promise<void> {
    const names = this.names().filter(which);
    if (names.length === 0) return;
    let stored: Map<string, StoredRelease> | undefined;
    try {
      stored = await this.options.store.readReleases(names);
    } catch (err) {
      this.warnStore(err, 'statuses not read; every Release is looked at again as urgent');
    }
    for (const name of names) {
      const held = this.held.get(name);
      if (held) this.queue.add(name, stored ? this.laneAfterGain(name, held, stored.get(name)) : 'urgent');
    }
  }

  private laneAfterGain(name: string, held: Held, stored: StoredRelease | undefined): Lane {
    if (this.underWay.has(name) || held.stale || this.refused.has(name) || !stored?.status) return 'urgent';
    return callPriority(stored.status, held.desired.generation, stored.operations.length) === 'rollout' ? 'urgent' : 'steady';
  }

  /** The queue's lane for a resync: urgent while the Release's last pass left something under way. */
  laneOf(name: string): Lane {
    return this.underWay.has(name) ? 'urgent' : 'steady';
  }

  /** Resolves when no pass is queued or running: virtual-time tests and rehearsals settle on it. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  names(): string[] {
    return [...this.held.keys()].sort();
  }

  sources(): SourceHealth[] {
    return [...this.sourceHealth.values()];
  }

  /** metadata.labels of a held Release ({} when it has none); undefined when not held. */
  labels(name: string): Readonly<Record<string, string>> | undefined {
    const held = this.held.get(name);
    return held ? (held.desired.release.metadata.labels ?? {}) : undefined;
  }

  /** The Release (metadata and spec) as held; undefined when not held. */
  release(name: string): Release | undefined {
    return this.held.get(name)?.desired.release;
  }

  /** The description of the source a held Release comes from; undefined when not held. */
  sourceOf(name: string): string | undefined {
    return this.held.get(name)?.source.description;
  }

  /** Reads a source through its coalescer: joins the read queued behind one under way. */
  private readSource(source: Source): Promise<void> {
    return (this.reads.get(source) ?? (() => this.sync(source)))();
  }

  /** Reads a source; a failure keeps every last known spec in force and marks it stale. */
  async sync(source: Source): Promise<void> {
    let snapshot: SourceSnapshot;
    try {
      snapshot = await source.snapshot();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.sourceHealth.set(source, { ...this.healthOf(source), ready: false, message: why });
      this.options.logger.warn({ source: source.description, err: why }, 'source unavailable; last known specs stay in force');
      for (const [name, held] of this.held) {
        if (held.source !== source || held.stale === why) continue;
        held.stale = why;
        this.queue.add(name);
      }
      if (!this.settled.has(source) && (await this.resumeFromLastKnown(source, why))) this.settled.add(source);
      return;
    }
    this.settled.add(source);
    this.sourceHealth.set(source, { description: source.description, ready: true, lastSyncAt: this.options.clock.now(), message: `synced ${snapshot.revision}` });
    const seen = new Set<string>();
    for (const item of snapshot.releases) {
      seen.add(item.name);
      this.orphansToMark.delete(item.name);
      if (item.problems && item.problems.length > 0) {
        await this.recordOrFail(item.name, 'Invalid', () => this.markInvalid(item.name, item.problems ?? [], item.sourceRevision));
        this.held.delete(item.name);
        this.firstSeen.delete(item.name);
        this.options.reconciler.forget?.(item.name);
        continue;
      }
      if (!item.release) continue;
      const before = this.held.get(item.name);
      if (!this.firstSeen.has(item.name)) this.firstSeen.set(item.name, this.options.clock.now());
      const changed = !before || before.desired.generation !== item.generation || before.stale || before.desired.sourceRevision !== item.sourceRevision;
      // An unchanged spec keeps the object already held (and kept as last known): one copy per Release, not one per read.
      const desired: DesiredRelease = !changed && before?.source === source ? before.desired : { release: item.release, generation: item.generation, sourceRevision: item.sourceRevision };
      this.held.set(item.name, { desired, source });
      if (changed) this.queue.add(item.name);
    }
    for (const [name, held] of [...this.held]) {
      if (held.source !== source || seen.has(name)) continue;
      // Gone from a healthy source: not a deletion order. Resources are left as they are.
      this.held.delete(name);
      this.firstSeen.delete(name);
      this.queue.remove(name);
      this.underWay.delete(name);
      this.options.reconciler.forget?.(name);
      this.orphansToMark.set(name, source);
    }
    for (const [name, from] of [...this.orphansToMark]) {
      if (from !== source || seen.has(name)) continue;
      if (await this.recordOrFail(name, 'Orphaned', () => this.markOrphaned(name, snapshot.revision))) this.orphansToMark.delete(name);
    }
    this.updateClaims();
  }

  /**
   * A source unreachable since start: its Releases carry on with the spec the store kept for them
   * (DESIGN §4: losing a source keeps the last known spec in force, across restarts too), so a
   * rollout in flight is still watched and reverted. Orphaned and Invalid ones stay as they are.
   * False when the store could not be read: the next failed read of the source tries again.
   */
  private async resumeFromLastKnown(source: Source, why: string): Promise<boolean> {
    const known = await this.loadLastKnown();
    if (!known) return false;
    let statuses: Map<string, ReleaseStatus>;
    try {
      statuses = await this.options.store.listStatuses();
    } catch (err) {
      this.warnStore(err, 'statuses not read; Releases of the unreachable source wait for it');
      return false;
    }
    const resumed: string[] = [];
    for (const [name, spec] of known) {
      const phase = statuses.get(name)?.phase;
      if (spec.source !== source.description || this.held.has(name) || phase === 'Orphaned' || phase === 'Invalid') continue;
      this.held.set(name, { desired: { release: spec.release, generation: spec.generation, sourceRevision: spec.sourceRevision }, source, stale: why });
      if (!this.firstSeen.has(name)) this.firstSeen.set(name, this.options.clock.now());
      this.queue.add(name);
      resumed.push(name);
    }
    if (resumed.length === 0) return true;
    this.options.logger.warn({ source: source.description, releases: resumed.length }, 'source unreachable since start; its Releases resume from their last known spec');
    this.updateClaims();
    return true;
  }

  private async loadLastKnown(): Promise<Map<string, LastKnownSpec> | undefined> {
    if (this.lastKnown) return this.lastKnown;
    try {
      const specs = await this.options.store.listLastKnownSpecs();
      this.lastKnown = new Map(specs.map((s) => [s.release.metadata.name, s]));
    } catch (err) {
      this.warnStore(err, 'last known specs not read; a source unreachable at start leaves its Releases waiting for it');
    }
    return this.lastKnown;
  }

  /** Keeps the spec a Release is held with once per change, so a restart can resume from it. */
  private async keepLastKnown(name: string, held: Held): Promise<void> {
    const fence = this.options.fence(name);
    if (held.stale || !fence) return;
    const kept = await this.loadLastKnown();
    if (!kept) return;
    const known = kept.get(name);
    if (known && known.generation === held.desired.generation && known.source === held.source.description) return;
    const spec: LastKnownSpec = { source: held.source.description, release: held.desired.release, generation: held.desired.generation, sourceRevision: held.desired.sourceRevision };
    try {
      await this.options.store.putLastKnownSpec(spec, fence);
      kept.set(name, spec);
    } catch (err) {
      // The pass goes on; the spec is kept at the next one. Its status write meets the same store.
      this.warnStore(err, `last known spec of ${name} not kept`);
    }
  }

  private warnSync(source: Source, err: unknown): void {
    const code = (err as { code?: unknown } | null)?.code;
    this.options.logger.error({ source: source.description, code: typeof code === 'string' ? code : 'Internal', err: err instanceof Error ? err.message : String(err) }, 'source read failed');
  }

  private warnStore(err: unknown, what: string): void {
    const code = (err as { code?: unknown } | null)?.code;
    this.options.logger.warn({ code: typeof code === 'string' ? code : 'StoreUnavailable', err: err instanceof Error ? err.message : String(err) }, what);
  }

  /** Looks again at every Release whose refusal began or ended. */
  private updateClaims(): void {
    const before = this.refused;
    this.refused = refusedClaims(
      [...this.held].map(([name, h]) => ({ name, release: h.desired.release, firstSeen: this.firstSeen.get(name) ?? 0 })),
    );
    for (const name of new Set([...before.keys(), ...this.refused.keys()])) {
      if (this.held.has(name) && before.get(name)?.heldBy !== this.refused.get(name)?.heldBy) this.queue.add(name);
    }
  }

  private healthOf(source: Source): SourceHealth {
    return this.sourceHealth.get(source) ?? { description: source.description, ready: false, message: '' };
  }

  private async reconcileOne(name: string, attempt: PassAttempt): Promise<{ requeueAfter?: number; lane?: Lane } | void> {
    const held = this.held.get(name);
    if (!held || this.stopped) return;
    const refusal = this.refused.get(name);
    if (refusal) {
      await this.markConflict(name, refusal, held.desired.sourceRevision);
      return {};
    }
    await this.keepLastKnown(name, held);
    const desired: DesiredRelease = held.stale ? { ...held.desired, sourceStale: held.stale } : held.desired;
    const result = await this.options.reconciler.reconcile(desired, attempt);
    // The call budget's own test of a pass that must not wait: its next passes go first too.
    if (callPriority(result.status, desired.generation, 0) === 'rollout') this.underWay.add(name);
    else this.underWay.delete(name);
    // Its status is written; the queue backs off on the error itself (a Stalled pass is not retried soon).
    if (result.failure && !result.failure.terminal) throw result.failure.error;
    return result.requeueAfter !== undefined ? { requeueAfter: result.requeueAfter, lane: this.laneOf(name) } : {};
  }

  private async markInvalid(name: string, problems: ManifestProblem[], sourceRevision: string): Promise<void> {
    const message = `invalid manifest: ${problems.map(formatProblem).join('; ')}`;
    await this.writeStatus(name, (status) => {
      status.phase = 'Invalid';
      status.message = message;
      status.sourceRevision = sourceRevision;
      status.conditions = conditionsForPhase(status.conditions ?? [], 'Invalid', REASONS.InvalidSpec, message, this.options.clock.now());
    });
  }

  /** Refused before any AWS call: the Release that holds the resource keeps working. */
  private async markConflict(name: string, refusal: Refusal, sourceRevision: string): Promise<void> {
    const detail = `${refusal.claim.what} is already held by Release ${refusal.heldBy}`;
    const message = `refused: ${detail}; no AWS writes until one of the two changes or leaves its source`;
    const now = this.options.clock.now();
    await this.writeStatus(name, (status) => {
      status.phase = 'Stalled';
      status.message = message;
      status.sourceRevision = sourceRevision;
      status.conditions = setCondition(
        conditionsForPhase(status.conditions ?? [], 'Stalled', REASONS.Conflict, message, now),
        'Stalled',
        'True',
        REASONS.Conflict,
        detail,
        now,
      );
    });
  }

  private async markOrphaned(name: string, sourceRevision: string): Promise<void> {
    const message = `no longer in its source (${sourceRevision}); its services and traffic are left as they are`;
    await this.writeStatus(name, (status) => {
      status.phase = 'Orphaned';
      status.message = message;
      status.conditions = setCondition(
        conditionsForPhase(status.conditions ?? [], 'Orphaned', REASONS.RemovedFromSource, message, this.options.clock.now()),
        'SourceReady',
        'False',
        REASONS.RemovedFromSource,
        message,
        this.options.clock.now(),
      );
    });
  }

  /**
   * A status written while reading a source (Invalid, Orphaned) that cannot be written now (the
   * state store is full, say) is logged with its code and tried again at the next source read:
   * the read itself goes on, and never ends in an unhandled rejection.
   */
  private async recordOrFail(name: string, phase: string, write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      this.options.logger.error(
        { release: name, code: typeof code === 'string' ? code : 'Internal', err: err instanceof Error ? err.message : String(err) },
        `could not record ${name} as ${phase}; tried again at the next source read`,
      );
      return false;
    }
  }

  private async writeStatus(name: string, change: (status: ReleaseStatus) => void): Promise<void> {
    const fence = this.options.fence(name);
    if (!fence) return;
    const status = (await this.options.store.getStatus(name)) ?? initialStatus();
    change(status);
    await this.options.store.putStatus(name, status, fence);
  }

  private scheduleSourceSync(): void {
    if (this.stopped) return;
    this.cancelSourceSync = this.options.clock.setTimer(this.options.resyncMs, () => {
      // The next period is armed at once, whatever this read takes: a read still under way then is
      // followed by one more (the coalescer), never overlapped. A failed read is logged there.
      this.scheduleSourceSync();
      for (const source of this.options.sources) void this.readSource(source);
    });
  }
}
