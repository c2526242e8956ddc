// State kept in memory: the store of `keelson rehearse` (virtual time, nothing on disk), of tests
// and of benchmarks with thousands of Releases. It keeps the same contract as the durable stores:
// fenced status writes, leases whose token grows when the holder changes, ordered operations.
import type { ReleaseStatus } from '../api/types.js';
import { deepFreeze } from './deep-freeze.js';
import { StaleFenceError, type LastKnownSpec, type Lease, type OperationRequest, type StateStore, type StoredRelease } from './store.js';

type Fence = { lease: string; token: number };

export class MemoryStateStore implements StateStore {
  readonly description = 'memory (nothing kept after exit)';
  private readonly statuses = new Map<string, ReleaseStatus>();
  private readonly specs = new Map<string, LastKnownSpec>();
  private readonly operations = new Map<string, OperationRequest[]>();
  private readonly leases = new Map<string, Lease>();
  /** Newest token ever handed out per lease; survives release so tokens never go back. */
  private readonly newestToken = new Map<string, number>();

  async getStatus(release: string): Promise<ReleaseStatus | undefined> {
    const status = this.statuses.get(release);
    return status && structuredClone(status);
  }

  async readReleases(names: readonly string[]): Promise<Map<string, StoredRelease>> {
    const out = new Map<string, StoredRelease>();
    for (const name of names) {
      const status = await this.getStatus(name);
      const operations = await this.listOperations(name, status?.lastOperationSeq ?? 0);
      out.set(name, status ? { status, operations } : { operations });
    }
    return out;
  }

  async listStatuses(): Promise<Map<string, ReleaseStatus>> {
    const copy = new Map<string, ReleaseStatus>();
    for (const [name, status] of this.statuses) copy.set(name, structuredClone(status));
    return copy;
  }

  /** The stored (frozen) statuses themselves: a list of thousands for the HTTP API copies nothing. */
  async readStatuses(): Promise<ReadonlyMap<string, ReleaseStatus>> {
    return new Map(this.statuses);
  }

  async putStatus(release: string, status: ReleaseStatus, fence: Fence): Promise<void> {
    this.checkFence(release, fence);
    this.statuses.set(release, deepFreeze(structuredClone(status)));
  }

  async deleteStatus(release: string, fence: Fence): Promise<void> {
    this.checkFence(release, fence);
    this.statuses.delete(release);
  }

  async putLastKnownSpec(spec: LastKnownSpec, fence: Fence): Promise<void> {
    this.checkFence(spec.release.metadata.name, fence);
    this.specs.set(spec.release.metadata.name, structuredClone(spec));
  }

  async listLastKnownSpecs(): Promise<LastKnownSpec[]> {
    return [...this.specs.values()].map((s) => structuredClone(s));
  }

  async readLastKnownSpec(release: string): Promise<LastKnownSpec | undefined> {
    const spec = this.specs.get(release);
    return spec && structuredClone(spec);
  }

  async requestOperation(op: Omit<OperationRequest, 'seq'>): Promise<OperationRequest> {
    const list = this.operations.get(op.release) ?? [];
    const seq = (list.at(-1)?.seq ?? 0) + 1;
    const stored: OperationRequest = { seq, ...op };
    list.push(stored);
    this.operations.set(op.release, list);
    return { ...stored };
  }

  async listOperations(release: string, afterSeq: number): Promise<OperationRequest[]> {
    return (this.operations.get(release) ?? []).filter((op) => op.seq > afterSeq).map((op) => ({ ...op }));
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const current = this.leases.get(name);
    const ours = current?.holder === holder;
    if (current && !ours && current.expiresAt > now) return undefined;
    // A renewal keeps the token: nobody else can have written in between.
    const token = ours && current ? current.token : (this.newestToken.get(name) ?? 0) + 1;
    const lease: Lease = { name, holder, token, expiresAt: now + ttlMs };
    this.leases.set(name, lease);
    this.newestToken.set(name, token);
    return { ...lease };
  }

  async release(lease: Lease): Promise<void> {
    const current = this.leases.get(lease.name);
    // Only the holder with the current token may give the lease up.
    if (current && current.holder === lease.holder && current.token === lease.token) this.leases.delete(lease.name);
  }

  async read(name: string): Promise<Lease | undefined> {
    const lease = this.leases.get(name);
    return lease && { ...lease };
  }

  async readLeases(names: readonly string[]): Promise<Map<string, Lease>> {
    return new Map(names.flatMap((name) => (this.leases.has(name) ? [[name, { ...this.leases.get(name)! }] as const] : [])));
  }

  async close(): Promise<void> {}

  private checkFence(release: string, fence: Fence): void {
    const newest = this.newestToken.get(fence.lease) ?? 0;
    if (fence.token < newest) {
      throw new StaleFenceError(
        `status of ${release} not written: lease ${fence.lease} token ${fence.token} is older than ${newest}; another controller holds it`,
      );
    }
  }
}
