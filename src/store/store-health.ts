// Whether the state store can be written, as its callers last found out. Every call goes through
// watchStore: a failed call marks the store down with its error code and cause, and only a write
// that landed marks it up again (a read proves nothing about a full disk). A controller acts only
// while the store is up, so no AWS write is made that could not be followed by its status.
import type { Clock } from '../runtime/clock.js';
import type { Lease, OperationRequest, StateStore } from './store.js';

export interface StoreProblem {
  /** The error's code: StoreUnavailable, or what another store throws (a DynamoDB exception name). */
  code: string;
  /** The cause: ENOSPC, EROFS, EACCES, Locked... the code again when there is no finer one. */
  reason: string;
  message: string;
  /** When the store was first found down. */
  since: number;
}

/** Codes that are the store working as meant, not failing: a deposed holder's write refused. */
const NOT_FAILURES = new Set(['StaleFence']);

export class StoreHealth {
  private problem: StoreProblem | undefined;
  private readonly errorListeners = new Set<(problem: StoreProblem) => void>();
  private readonly changeListeners = new Set<(problem: StoreProblem | undefined) => void>();

  constructor(private readonly clock: Clock) {}

  get up(): boolean {
    return this.problem === undefined;
  }

  /** Why the store is down; undefined while it is up. */
  get current(): StoreProblem | undefined {
    return this.problem;
  }

  /** Told about every failed call. */
  onError(fn: (problem: StoreProblem) => void): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  /** Told when the store goes down, when the cause changes, and when it is up again (undefined). */
  onChange(fn: (problem: StoreProblem | undefined) => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  failed(err: unknown): void {
    const code = codeOf(err);
    if (NOT_FAILURES.has(code)) return;
    const reason = typeof (err as { reason?: unknown }).reason === 'string' ? (err as { reason: string }).reason : code;
    const problem: StoreProblem = {
      code,
      reason,
      message: err instanceof Error ? err.message : String(err),
      since: this.problem?.since ?? this.clock.now(),
    };
    const changed = !this.problem || this.problem.code !== code || this.problem.reason !== reason;
    this.problem = problem;
    for (const fn of [...this.errorListeners]) fn(problem);
    if (changed) for (const fn of [...this.changeListeners]) fn(problem);
  }

  wrote(): void {
    if (!this.problem) return;
    this.problem = undefined;
    for (const fn of [...this.changeListeners]) fn(undefined);
  }
}

function codeOf(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.name === 'string' && e.name !== 'Error') return e.name;
  return 'Unknown';
}

/** The store, with every call's outcome told to `health`. */
export function watchStore(store: StateStore, health: StoreHealth): StateStore {
  const read = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      health.failed(err);
      throw err;
    }
  };
  const write = async <T>(call: () => Promise<T>): Promise<T> => {
    const result = await read(call);
    health.wrote();
    return result;
  };
  return {
    get description() {
      return store.description;
    },
    getStatus: (release) => read(() => store.getStatus(release)),
    readReleases: (names) => read(() => store.readReleases(names)),
    listStatuses: () => read(() => store.listStatuses()),
    ...(store.readStatuses ? { readStatuses: () => read(() => store.readStatuses!()) } : {}),
    putStatus: (release, status, fence) => write(() => store.putStatus(release, status, fence)),
    deleteStatus: (release, fence) => write(() => store.deleteStatus(release, fence)),
    putLastKnownSpec: (spec, fence) => write(() => store.putLastKnownSpec(spec, fence)),
    listLastKnownSpecs: () => read(() => store.listLastKnownSpecs()),
    ...(store.readLastKnownSpec ? { readLastKnownSpec: (release: string) => read(() => store.readLastKnownSpec!(release)) } : {}),
    requestOperation: (op: Omit<OperationRequest, 'seq'>) => write(() => store.requestOperation(op)),
    listOperations: (release, afterSeq) => read(() => store.listOperations(release, afterSeq)),
    // Answered either way, the store took the lease's lock (or conditional write): it is writable.
    acquire: (name, holder, ttlMs, now, seen) => write(() => store.acquire(name, holder, ttlMs, now, seen)),
    release: (lease: Lease) => write(() => store.release(lease)),
    read: (name) => read(() => store.read(name)),
    ...(store.readLeases ? { readLeases: (names: readonly string[]) => read(() => store.readLeases!(names)) } : {}),
    close: () => store.close(),
  };
}
