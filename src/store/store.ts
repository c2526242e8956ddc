import type { Release, ReleaseStatus } from '../api/types.js';

/**
 * The spec a Release was last held with and the source it came from: a controller started while
 * that source is unreachable carries on with it instead of leaving rollouts unwatched.
 */
export interface LastKnownSpec {
  /** The source's description, e.g. `git:https://…#main:releases`. */
  source: string;
  release: Release;
  generation: number;
  sourceRevision: string;
}

/** An operation a person asked for; applied by the reconciler in sequence order. */
export interface OperationRequest {
  seq: number;
  release: string;
  kind: 'promote' | 'promoteFull' | 'abort' | 'retry' | 'restart' | 'approve';
  requestedAt: number;
  requestedBy?: string;
  /** How requestedBy was authenticated: a named API token, an OIDC JWT, or the CLI writing to the store (`local`). */
  requestedVia?: 'token' | 'oidc' | 'local';
  /** approve: the requester's OIDC groups that keelson.yaml approvers name (`group:NAME`). */
  requestedGroups?: string[];
  /** promote: move on even while the deployment window is closed (recorded in status.window.override). */
  overrideWindow?: boolean;
  /** retry: run the revision's preDeploy jobs again even where they succeeded. */
  rerunJobs?: boolean;
  /** approve: the revision approved; an approval binds to it and counts for no other. */
  revision?: string;
}

export interface Lease {
  name: string;
  holder: string;
  /** Fencing token: grows every time the lease changes hands; every status write carries it. */
  token: number;
  expiresAt: number;
}

export class StaleFenceError extends Error {
  override readonly name = 'StaleFenceError';
  readonly code = 'StaleFence';
}

/**
 * The store could not be written (or read): a full or read-only disk, no permission, a lock that
 * another process keeps fresh. `reason` is the cause's own code (ENOSPC, EROFS, EACCES, Locked).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'StoreUnavailable';

  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return (err as { code?: unknown } | null)?.code === 'StoreUnavailable';
}

/** What a pass starts from: a Release's status and the operations after its lastOperationSeq. */
export interface StoredRelease {
  status?: ReleaseStatus;
  /** Operations with seq greater than status.lastOperationSeq (0 without status), oldest first. */
  operations: OperationRequest[];
}

export interface StatusStore {
  getStatus(release: string): Promise<ReleaseStatus | undefined>;
  /**
   * getStatus + listOperations for many Releases in one read (or a few batched reads): every
   * name asked for is in the answer. Reads are as fresh as getStatus's.
   */
  readReleases(names: readonly string[]): Promise<Map<string, StoredRelease>>;
  listStatuses(): Promise<Map<string, ReleaseStatus>>;
  /**
   * Every status to read and not change: the store's own frozen objects where it keeps them in
   * memory, so listing thousands costs no copies. Stores without it are read with listStatuses().
   */
  readStatuses?(): Promise<ReadonlyMap<string, ReleaseStatus>>;
  /** Refuses (StaleFenceError) when `fence` is older than the newest token of the lease. */
  putStatus(release: string, status: ReleaseStatus, fence: { lease: string; token: number }): Promise<void>;
  deleteStatus(release: string, fence: { lease: string; token: number }): Promise<void>;
  /** Written when a Release's spec changes (not on every pass); fenced like status. */
  putLastKnownSpec(spec: LastKnownSpec, fence: { lease: string; token: number }): Promise<void>;
  listLastKnownSpecs(): Promise<LastKnownSpec[]>;
  /** One Release's last known spec, read alone; stores without it are read with listLastKnownSpecs(). */
  readLastKnownSpec?(release: string): Promise<LastKnownSpec | undefined>;

  /** Appends an operation and returns it with its sequence number. */
  requestOperation(op: Omit<OperationRequest, 'seq'>): Promise<OperationRequest>;
  /** Operations for a Release with seq greater than afterSeq, oldest first. */
  listOperations(release: string, afterSeq: number): Promise<OperationRequest[]>;
}

export interface LeaseStore {
  /** Takes the lease if free or expired (a new token), renews it if already held by holder. */
  /**
   * `seen`: the lease as just read in a batch (null: no such lease), so a store that would read it
   * first need not; the write is still conditioned on it, so a stale one only fails this attempt.
   */
  acquire(name: string, holder: string, ttlMs: number, now: number, seen?: Lease | null): Promise<Lease | undefined>;
  /** Gives the lease up so a standby can take it at once. */
  release(lease: Lease): Promise<void>;
  read(name: string): Promise<Lease | undefined>;
  /**
   * Many leases in one strongly consistent read, where the store can (DynamoDB: BatchGetItem);
   * a name without a lease is absent. Stores without it are read one lease at a time (readLeases()).
   */
  readLeases?(names: readonly string[]): Promise<Map<string, Lease>>;
}

/** The leases named, in one read where the store has readLeases, else one read per lease. */
export async function readLeases(store: LeaseStore, names: readonly string[]): Promise<Map<string, Lease>> {
  if (store.readLeases) return store.readLeases(names);
  const leases = await Promise.all(names.map((name) => store.read(name)));
  return new Map(leases.flatMap((lease, i) => (lease ? [[names[i]!, lease] as const] : [])));
}

export interface StateStore extends StatusStore, LeaseStore {
  readonly description: string;
  close(): Promise<void>;
}
