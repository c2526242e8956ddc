// The embedded default state store: a local folder.
//   status/<name>.json        one Release's status
//   operations/<name>.jsonl   operations asked for that Release, one JSON object a line
//   leases/<name>.json        a lease; leases/<name>.lock guards changes to it
// Every write is a temp file renamed over the target, so a crash leaves the old file whole.
// Status writes hold the lease's lock while they check the fencing token.
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { upgradeStatus } from '../api/status-upgrade.js';
import type { ReleaseStatus } from '../api/types.js';
import { isTempFile, readJsonFile, writeFileAtomic, writeJsonFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { StaleFenceError, type Lease, type OperationRequest, type StateStore } from './store.js';

export interface DirStateStoreOptions {
  folder: string;
}

/** Names become file names: anything beyond a DNS label (an invalid Release named by its file) is escaped. */
const fileName = (name: string): string => encodeURIComponent(name);
const nameOf = (file: string): string => decodeURIComponent(file);

export class DirStateStore implements StateStore {
  readonly description: string;
  private readonly folder: string;

  constructor(options: DirStateStoreOptions) {
    this.folder = resolve(options.folder);
    this.description = `dir:${options.folder}`;
  }

  async getStatus(release: string): Promise<ReleaseStatus | undefined> {
    const status = await readJsonFile<ReleaseStatus>(this.statusFile(release));
    return status && upgradeStatus(status);
  }

  async listStatuses(): Promise<Map<string, ReleaseStatus>> {
    const statuses = new Map<string, ReleaseStatus>();
    for (const file of await this.list('status', '.json')) {
      const status = await readJsonFile<ReleaseStatus>(join(this.folder, 'status', file));
      if (status) statuses.set(nameOf(file.slice(0, -'.json'.length)), upgradeStatus(status));
    }
    return statuses;
  }

  async putStatus(release: string, status: ReleaseStatus, fence: { lease: string; token: number }): Promise<void> {
    await this.fenced(fence, () => writeJsonFileAtomic(this.statusFile(release), status));
  }

  async deleteStatus(release: string, fence: { lease: string; token: number }): Promise<void> {
    await this.fenced(fence, () => unlink(this.statusFile(release)).catch(ignoreMissing));
  }

  async requestOperation(op: Omit<OperationRequest, 'seq'>): Promise<OperationRequest> {
    const file = join(this.folder, 'operations', `${fileName(op.release)}.jsonl`);
    return withFileLock(`${file}.lock`, async () => {
      const existing = await this.readOperations(file);
      const request: OperationRequest = { ...op, seq: (existing.at(-1)?.seq ?? 0) + 1 };
      const lines = [...existing, request].map((o) => JSON.stringify(o)).join('\n');
      await writeFileAtomic(file, `${lines}\n`);
      return request;
    });
  }

  async listOperations(release: string, afterSeq: number): Promise<OperationRequest[]> {
    const all = await this.readOperations(join(this.folder, 'operations', `${fileName(release)}.jsonl`));
    return all.filter((o) => o.seq > afterSeq);
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    return withFileLock(this.leaseLock(name), async () => {
      const current = await this.read(name);
      const free = !current || current.holder === '' || current.expiresAt <= now;
      if (current && current.holder !== holder && !free) return undefined;
      // The token grows whenever the holder changes, so writes fenced by an older holder fail.
      const token = current && current.holder === holder ? current.token : (current?.token ?? 0) + 1;
      const lease: Lease = { name, holder, token, expiresAt: now + ttlMs };
      await writeJsonFileAtomic(this.leaseFile(name), lease);
      return lease;
    });
  }

  async release(lease: Lease): Promise<void> {
    await withFileLock(this.leaseLock(lease.name), async () => {
      const current = await this.read(lease.name);
      if (!current || current.holder !== lease.holder || current.token !== lease.token) return;
      await writeJsonFileAtomic(this.leaseFile(lease.name), { ...current, holder: '', expiresAt: 0 });
    });
  }

  async read(name: string): Promise<Lease | undefined> {
    return readJsonFile<Lease>(this.leaseFile(name));
  }

  async close(): Promise<void> {}

  private async fenced(fence: { lease: string; token: number }, write: () => Promise<unknown>): Promise<void> {
    await withFileLock(this.leaseLock(fence.lease), async () => {
      const lease = await this.read(fence.lease);
      if (lease && lease.token > fence.token) {
        throw new StaleFenceError(`fencing token ${fence.token} is older than ${lease.token} of lease ${fence.lease} (held by ${lease.holder || 'nobody'})`);
      }
      await write();
    });
  }

  private async readOperations(file: string): Promise<OperationRequest[]> {
    const text = await readFile(file, 'utf8').catch(ignoreMissing);
    if (!text) return [];
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as OperationRequest);
  }

  private async list(folder: string, suffix: string): Promise<string[]> {
    const names = await readdir(join(this.folder, folder)).catch(ignoreMissing);
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
