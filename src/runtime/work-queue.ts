// The work queue holds Release names, not events: a key is queued at most once however often
// it is added (level-triggered — the reconciler reads the current state anyway), one key is
// reconciled by at most one worker at a time, and the queue, not the reconciler, owns retries:
// errors back off per key, exponentially with jitter; success resets the backoff.
// Two lanes: `urgent` keys (a changed spec, an operation asked for, a rollout in flight) start
// before `steady` ones (the periodic resync of settled Releases), FIFO within each, and at least
// one steady key starts per URGENT_PER_STEADY urgent ones while both wait, so resync never stops.
import { isCloudError } from '../cloud/errors.js';
import type { CancelTimer, Clock } from './clock.js';

/** `urgent`: something to act on; `steady`: a look at a settled Release. */
export type Lane = 'urgent' | 'steady';

export interface ReconcileResult {
  /** Reconcile this key again after this many ms (the earliest pending requeue wins). */
  requeueAfter?: number;
  /** The lane of that requeue (and of later retries); default the lane the key ran from. */
  lane?: Lane;
}

/** What a pass may know of its own retry, so that its status can say when it runs again. */
export interface ReconcileAttempt {
  /** Failures of this key in a row before this pass. */
  failures: number;
  /** The backoff this key gets if the pass fails: the queue then waits exactly this long. */
  backoffMs(): number;
}

export type ReconcileHandler = (key: string, attempt: ReconcileAttempt) => Promise<ReconcileResult | void>;

/** `throttled`: the handler failed with CloudError Throttled (it backs off like any error). */
export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'throttled';

export interface ReconcileEvent {
  key: string;
  outcome: ReconcileOutcome;
  durationMs: number;
  /** When the key runs again on its own: requeueAfter, or the backoff after an error. */
  retryInMs?: number;
  error?: unknown;
}

export const WORK_QUEUE_DEFAULTS = {
  concurrency: 10,
  backoffBaseMs: 1_000,
  backoffCapMs: 5 * 60_000,
  /** Each backoff is shortened by up to this fraction, so keys that failed together spread out. */
  backoffJitter: 0.25,
  /**
   * A key may ask to run again at once (requeueAfter 0) this many times in a row; after that
   * its requeues wait backoffBaseMs, so a pass that keeps asking cannot spin the queue.
   */
  immediateRequeues: 3,
  /**
   * While both lanes hold keys, a steady key starts after at most this many urgent ones: urgent
   * work takes 4/5 of the starts, and the resync (which also finds drift on settled Releases)
   * keeps a fifth rather than waiting behind a burst of thousands.
   */
  urgentPerSteady: 4,
} as const;

export interface WorkQueueOptions {
  clock: Clock;
  handler: ReconcileHandler;
  concurrency?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  /** Told about every finished reconcile, for logs and metrics; its errors are ignored. */
  onReconcile?: (event: ReconcileEvent) => void;
}

export interface WorkQueueStats {
  /** Keys ready to run now. */
  depth: number;
  /** The same, by lane. */
  lanes: Record<Lane, number>;
  /** Keys waiting for a requeue or backoff timer. */
  waiting: number;
  inFlight: number;
  reconciles: Record<ReconcileOutcome, number>;
  durations: { count: number; totalMs: number; maxMs: number };
}

/** Backoff before retry number `failures` (1, 2, …): base·2^(failures−1), capped, minus jitter. */
export function backoffDelay(failures: number, random: () => number, baseMs: number, capMs: number): number {
  const full = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(full * (1 - WORK_QUEUE_DEFAULTS.backoffJitter * random()));
}

/**
 * A failed pass may still say when it must run again (health is due in one interval): the backoff
 * never pushes it later than that, or a storm of failed reads would stop health being measured.
 */
export function requeueAfterOf(error: unknown): number {
  const asked = (error as { requeueAfter?: unknown } | null)?.requeueAfter;
  return typeof asked === 'number' && asked >= 0 ? asked : Infinity;
}

type QueueState = 'running' | 'draining' | 'stopped';

export class WorkQueue {
  private readonly clock: Clock;
  private readonly handler: ReconcileHandler;
  private readonly concurrency: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly random: () => number;
  private readonly onReconcile: ((event: ReconcileEvent) => void) | undefined;

  /** Insertion-ordered and de-duplicated; a key is in one lane at most (urgent wins). */
  private readonly ready: Record<Lane, Set<string>> = { urgent: new Set(), steady: new Set() };
  private readonly inFlight = new Set<string>();
  /** The lane each key last ran from or was queued in: its retries go there. */
  private readonly laneOf = new Map<string, Lane>();
  /** Urgent keys started since the last steady one. */
  private urgentInARow = 0;
  /** Added while in flight: run again once the current reconcile ends, from this lane. */
  private readonly dirty = new Map<string, Lane>();
  /** Removed while in flight: its requeue or backoff is dropped. */
  private readonly removed = new Set<string>();
  private readonly waiting = new Map<string, { at: number; cancel: CancelTimer; lane: Lane }>();
  private readonly failures = new Map<string, number>();
  /** Requeues asked for at once, in a row, per key. */
  private readonly immediate = new Map<string, number>();
  private state: QueueState = 'running';
  private pumpScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private readonly counts: Record<ReconcileOutcome, number> = { success: 0, requeue: 0, error: 0, throttled: 0 };
  private readonly durations = { count: 0, totalMs: 0, maxMs: 0 };

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.handler = options.handler;
    this.concurrency = Math.max(1, options.concurrency ?? WORK_QUEUE_DEFAULTS.concurrency);
    this.backoffBaseMs = options.backoffBaseMs ?? WORK_QUEUE_DEFAULTS.backoffBaseMs;
    this.backoffCapMs = options.backoffCapMs ?? WORK_QUEUE_DEFAULTS.backoffCapMs;
    this.random = options.random ?? Math.random;
    this.onReconcile = options.onReconcile;
  }

  /**
   * Queue a key now. A key already queued stays queued once (a steady key added as urgent moves
   * to the urgent lane); one in flight runs again after.
   */
  add(key: string, lane: Lane = 'urgent'): void {
    if (this.state !== 'running') return;
    this.removed.delete(key);
    if (this.inFlight.has(key)) {
      this.dirty.set(key, higher(this.dirty.get(key), lane));
      return;
    }
    this.enqueue(key, lane);
    this.schedulePump();
  }

  /** Queue a key after ms. With several pending, the earliest wins, in the more urgent lane of the two. */
  addAfter(key: string, ms: number, lane: Lane = 'urgent'): void {
    if (this.state !== 'running') return;
    if (ms <= 0) return this.add(key, lane);
    this.removed.delete(key);
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) {
      pending.lane = higher(pending.lane, lane);
      return;
    }
    pending?.cancel();
    const entry = { at, lane: higher(pending?.lane, lane), cancel: (): void => {} };
    entry.cancel = this.clock.setTimer(ms, () => {
      this.waiting.delete(key);
      this.add(key, entry.lane);
    });
    this.waiting.set(key, entry);
  }

  /** Reset a key's backoff (its next error starts again from the base delay). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Drop a key entirely: queued, waiting, backoff. A reconcile in flight finishes but is not requeued. */
  remove(key: string): void {
    this.ready.urgent.delete(key);
    this.ready.steady.delete(key);
    this.laneOf.delete(key);
    this.dirty.delete(key);
    this.waiting.get(key)?.cancel();
    this.waiting.delete(key);
    this.failures.delete(key);
    this.immediate.delete(key);
    if (this.inFlight.has(key)) this.removed.add(key);
    this.checkIdle();
  }

  /** Resolves when no key is queued or in flight (keys waiting on a timer do not count). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stop taking work and wait for reconciles in flight. drain: true also runs the keys already
   * queued; otherwise they are dropped. Timers (requeues, backoffs) are cancelled either way.
   */
  async shutdown(options: { drain?: boolean } = {}): Promise<void> {
    if (this.state === 'running') {
      for (const pending of this.waiting.values()) pending.cancel();
      this.waiting.clear();
    }
    if (this.state !== 'stopped') this.state = options.drain ? 'draining' : 'stopped';
    if (this.state === 'stopped') {
      this.ready.urgent.clear();
      this.ready.steady.clear();
      this.dirty.clear();
    }
    this.checkIdle();
    await this.idle();
  }

  stats(): WorkQueueStats {
    return {
      depth: this.ready.urgent.size + this.ready.steady.size,
      lanes: { urgent: this.ready.urgent.size, steady: this.ready.steady.size },
      waiting: this.waiting.size,
      inFlight: this.inFlight.size,
      reconciles: { ...this.counts },
      durations: { ...this.durations },
    };
  }

  /** Backoff attempts recorded for a key (0 when it last succeeded). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Start workers in a microtask, so add() never runs the handler inside its caller. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => this.pump());
  }

  private pump(): void {
    this.pumpScheduled = false;
    if (this.state === 'stopped') return;
    while (this.inFlight.size < this.concurrency) {
      const key = this.next();
      if (key === undefined) break;
      this.inFlight.add(key);
      void this.reconcile(key);
    }
    this.checkIdle();
  }

  private enqueue(key: string, lane: Lane): void {
    if (lane === 'urgent') this.ready.steady.delete(key);
    else if (this.ready.urgent.has(key)) return;
    this.ready[lane].add(key);
    this.laneOf.set(key, lane);
  }

  /** The next key to start: urgent first, but a steady one after urgentPerSteady urgent ones in a row. */
  private next(): string | undefined {
    const steadyTurn = this.ready.steady.size > 0 && (this.ready.urgent.size === 0 || this.urgentInARow >= WORK_QUEUE_DEFAULTS.urgentPerSteady);
    const lane: Lane = steadyTurn ? 'steady' : 'urgent';
    const key = this.ready[lane].values().next().value;
    if (key === undefined) return undefined;
    this.ready[lane].delete(key);
    // Counted only while steady keys wait: urgent starts with none waiting owe the steady lane nothing.
    this.urgentInARow = lane === 'urgent' && this.ready.steady.size > 0 ? this.urgentInARow + 1 : 0;
    return key;
  }

  private async reconcile(key: string): Promise<void> {
    const started = this.clock.now();
    const failures = (this.failures.get(key) ?? 0) + 1;
    // Drawn once, when first asked: the jitter stream moves only for passes that fail, as before.
    let backoff: number | undefined;
    const backoffMs = (): number => (backoff ??= backoffDelay(failures, this.random, this.backoffBaseMs, this.backoffCapMs));
    let event: ReconcileEvent;
    try {
      const result = await this.handler(key, { failures: failures - 1, backoffMs });
      if (result?.lane) this.laneOf.set(key, result.lane);
      this.failures.delete(key);
      const requeueAfter = this.requeueDelay(key, result?.requeueAfter);
      event = requeueAfter === undefined
        ? { key, outcome: 'success', durationMs: 0 }
        : { key, outcome: 'requeue', durationMs: 0, retryInMs: requeueAfter };
    } catch (error) {
      this.failures.set(key, failures);
      const retryInMs = Math.min(backoffMs(), requeueAfterOf(error));
      event = { key, outcome: isCloudError(error, 'Throttled') ? 'throttled' : 'error', durationMs: 0, retryInMs, error };
    }
    event.durationMs = this.clock.now() - started;
    this.finish(key, event);
  }

  /**
   * The delay a requeue really gets: none for a delay that is not a finite number (the periodic
   * resync still comes), and at least backoffBaseMs once a key has asked to run at once
   * immediateRequeues times in a row.
   */
  private requeueDelay(key: string, asked: number | undefined): number | undefined {
    if (asked === undefined || Number.isNaN(asked) || asked === Infinity) {
      this.immediate.delete(key);
      return undefined;
    }
    if (asked > 0) {
      this.immediate.delete(key);
      return asked;
    }
    const inARow = (this.immediate.get(key) ?? 0) + 1;
    this.immediate.set(key, inARow);
    return inARow > WORK_QUEUE_DEFAULTS.immediateRequeues ? this.backoffBaseMs : 0;
  }

  private finish(key: string, event: ReconcileEvent): void {
    this.inFlight.delete(key);
    this.counts[event.outcome]++;
    this.durations.count++;
    this.durations.totalMs += event.durationMs;
    this.durations.maxMs = Math.max(this.durations.maxMs, event.durationMs);
    if (this.removed.delete(key)) {
      this.failures.delete(key);
    } else {
      if (event.retryInMs !== undefined) this.addAfter(key, event.retryInMs, this.laneOf.get(key) ?? 'urgent');
      const again = this.dirty.get(key);
      if (again !== undefined && this.dirty.delete(key) && this.state !== 'stopped') this.enqueue(key, again);
    }
    try {
      this.onReconcile?.(event);
    } catch {
      // An observer's failure must not stall the queue.
    }
    this.schedulePump();
    this.checkIdle();
  }

  private isIdle(): boolean {
    return this.ready.urgent.size === 0 && this.ready.steady.size === 0 && this.inFlight.size === 0 && this.dirty.size === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The more urgent of two lanes (undefined: none yet). */
function higher(a: Lane | undefined, b: Lane): Lane {
  return a === 'urgent' || b === 'urgent' ? 'urgent' : 'steady';
}
