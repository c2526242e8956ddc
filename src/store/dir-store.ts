// The embedded default state store: a local folder.
//   status/<name>.json        one Release's status
//   specs/<name>.json         the spec it was last held with, and its source
//   operations/<name>.jsonl   operations asked for that Release, one JSON object a line
//   leases/<name>.json        a lease; leases/<name>.lock guards changes to it
// Every write is a temp file renamed over the target, so a crash leaves the old file whole.
// Status writes hold the lease's lock while they check the fencing token.
// A folder that cannot be written (full, read-only, no permission, locked) fails every call at
// once with StoreUnavailableError, whose reason is the cause's code (ENOSPC, EROFS, Locked...).
import { join, resolve } from 'node:path';
import { upgradeStatus } from '../api/status-upgrade.js';
import type { ReleaseStatus } from '../api/types.js';
import { isTempFile, readJsonFile, writeFileAtomic, writeJsonFileAtomic } from './atomic-file.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { asStoreError, nodeFileSystem, type StoreFileSystem } from './store-fs.js';
import { StaleFenceError, type LastKnownSpec, type Lease, type OperationRequest, type StateStore, type StoredRelease } from './store.js';

export interface DirStateStoreOptions {
  folder: string;
  /** The file system written through; tests pass one that fails like a full or read-only disk. */
  fs?: StoreFileSystem;
  /** How long an untouched lock lasts, and how often a busy one is tried. */
  lock?: Omit<FileLockOptions, 'fs'>;
}

/** Names become file names: anything beyond a DNS label (an invalid Release named by its file) is escaped. */
const fileName = (name: string): string => encodeURIComponent(name);
const nameOf = (file: string): string => decodeURIComponent(file);

export class DirStateStore implements StateStore {
  readonly description: string;
  private readonly folder: string;
  private readonly files: StoreFileSystem;
  private readonly lockOptions: FileLockOptions;

  constructor(options: DirStateStoreOptions) {
    this.folder = resolve(options.folder);
    this.description = `dir:${options.folder}`;
    this.files = options.fs ?? nodeFileSystem;
    this.lockOptions = { ...options.lock, fs: this.files };
  }

  async getStatus(release: string): Promise<ReleaseStatus | undefined> {
    return this.guard(`read the status of ${release}`, async () => {
      const status = await readJsonFile<ReleaseStatus>(this.statusFile(release), this.files);
      return status && upgradeStatus(status);
    });
  }

  async readReleases(names: readonly string[]): Promise<Map<string, StoredRelease>> {
    return this.guard(`read the status of ${names.length} Releases`, async () => {
      // Read side by side: the answer comes at once for all, so the passes that asked stay in step.
      const read = await Promise.all(
        names.map(async (name) => {
          const raw = await readJsonFile<ReleaseStatus>(this.statusFile(name), this.files);
          const status = raw && upgradeStatus(raw);
          const all = await this.readOperations(join(this.folder, 'operations', `${fileName(name)}.jsonl`));
          const operations = all.filter((o) => o.seq > (status?.lastOperationSeq ?? 0));
          return [name, status ? { status, operations } : { operations }] as const;
        }),
      );
      return new Map<string, StoredRelease>(read);
    });
  }

  async listStatuses(): Promise<Map<string, ReleaseStatus>> {
    return this.guard('list statuses', async () => {
      const statuses = new Map<string, ReleaseStatus>();
      for (const file of await this.list('status', '.json')) {
        const status = await readJsonFile<ReleaseStatus>(join(this.folder, 'status', file), this.files);
        if (status) statuses.set(nameOf(file.slice(0, -'.json'.length)), upgradeStatus(status));
      }
      return statuses;
    });
  }

  async putStatus(release: string, status: ReleaseStatus, fence: { lease: string; token: number }): Promise<void> {
    await this.guard(`write the status of ${release}`, () => this.fenced(fence, () => writeJsonFileAtomic(this.statusFile(release), status, this.files)));
  }

  async deleteStatus(release: string, fence: { lease: string; token: number }): Promise<void> {
    await this.guard(`delete the status of ${release}`, () => this.fenced(fence, () => this.files.unlink(this.statusFile(release)).catch(ignoreMissing)));
  }

  async putLastKnownSpec(spec: LastKnownSpec, fence: { lease: string; token: number }): Promise<void> {
    const name = spec.release.metadata.name;
    const file = join(this.folder, 'specs', `${fileName(name)}.json`);
    await this.guard(`write the last known spec of ${name}`, () => this.fenced(fence, () => writeJsonFileAtomic(file, spec, this.files)));
  }

  async readLastKnownSpec(release: string): Promise<LastKnownSpec | undefined> {
    return this.guard(`read the last known spec of ${release}`, async () => (await readJsonFile<LastKnownSpec>(join(this.folder, 'specs', `${fileName(release)}.json`), this.files)));
  }

  async listLastKnownSpecs(): Promise<LastKnownSpec[]> {
    return this.guard('list last known specs', async () => {
      const specs: LastKnownSpec[] = [];
      for (const file of await this.list('specs', '.json')) {
        const spec = await readJsonFile<LastKnownSpec>(join(this.folder, 'specs', file), this.files);
        if (spec) specs.push(spec);
      }
      return specs;
    });
  }

  async requestOperation(op: Omit<OperationRequest, 'seq'>): Promise<OperationRequest> {
    const file = join(this.folder, 'operations', `${fileName(op.release)}.jsonl`);
    return this.guard(`record an operation for ${op.release}`, () =>
      withFileLock(
        `${file}.lock`,
        async () => {
          const existing = await this.readOperations(file);
          const request: OperationRequest = { ...op, seq: (existing.at(-1)?.seq ?? 0) + 1 };
          const lines = [...existing, request].map((o) => JSON.stringify(o)).join('\n');
          await writeFileAtomic(file, `${lines}\n`, this.files);
          return request;
        },
        this.lockOptions,
      ),
    );
  }

  async listOperations(release: string, afterSeq: number): Promise<OperationRequest[]> {
    return this.guard(`read the operations of ${release}`, async () => {
      const all = await this.readOperations(join(this.folder, 'operations', `${fileName(release)}.jsonl`));
      return all.filter((o) => o.seq > afterSeq);
    });
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    return this.guard(`write the lease ${name}`, () =>
      withFileLock(
        this.leaseLock(name),
        async () => {
          const current = await this.readLease(name);
          const free = !current || current.holder === '' || current.expiresAt <= now;
          if (current && current.holder !== holder && !free) return undefined;
          // The token grows whenever the holder changes, so writes fenced by an older holder fail.
          const token = current && current.holder === holder ? current.token : (current?.token ?? 0) + 1;
          const lease: Lease = { name, holder, token, expiresAt: now + ttlMs };
          await writeJsonFileAtomic(this.leaseFile(name), lease, this.files);
          return lease;
        },
        this.lockOptions,
      ),
    );
  }

  async release(lease: Lease): Promise<void> {
    await this.guard(`give up the lease ${lease.name}`, () =>
      withFileLock(
        this.leaseLock(lease.name),
        async () => {
          const current = await this.readLease(lease.name);
          if (!current || current.holder !== lease.holder || current.token !== lease.token) return;
          await writeJsonFileAtomic(this.leaseFile(lease.name), { ...current, holder: '', expiresAt: 0 }, this.files);
        },
        this.lockOptions,
      ),
    );
  }

  async read(name: string): Promise<Lease | undefined> {
    return this.guard(`read the lease ${name}`, () => this.readLease(name));
  }

  async close(): Promise<void> {}

  /** Runs a call, turning a failed file-system call into StoreUnavailableError. */
  private async guard<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw asStoreError(err, `${doing} in ${this.folder}`);
    }
  }

  private readLease(name: string): Promise<Lease | undefined> {
    return readJsonFile<Lease>(this.leaseFile(name), this.files);
  }

  private async fenced(fence: { lease: string; token: number }, write: () => Promise<unknown>): Promise<void> {
    await withFileLock(
      this.leaseLock(fence.lease),
      async () => {
        const lease = await this.readLease(fence.lease);
        if (lease && lease.token > fence.token) {
          throw new StaleFenceError(`fencing token ${fence.token} is older than ${lease.token} of lease ${fence.lease} (held by ${lease.holder || 'nobody'})`);
        }
        await write();
      },
      this.lockOptions,
    );
  }

  private async readOperations(file: string): Promise<OperationRequest[]> {
    const text = await this.files.readFile(file, 'utf8').catch(ignoreMissing);
    if (!text) return [];
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as OperationRequest);
  }

  private async list(folder: string, suffix: string): Promise<string[]> {
    const names = await this.files.readdir(join(this.folder, folder)).catch(ignoreMissing);
    return (names ?? []).filter((n) => n.endsWith(suffix) && !isTempFile(n)).sort();
  }

  private statusFile(release: string): string {
    return join(this.folder, 'status', `${fileName(release)}.json`);
  }

  private leaseFile(name: string): string {
    return join(this.folder, 'leases', `${fileName(name)}.json`);
  }

  private leaseLock(name: string): string {
    return join(this.folder, 'leases', `${fileName(name)}.lock`);
  }
}

function ignoreMissing(err: unknown): undefined {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw err;
}
