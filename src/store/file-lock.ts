// Mutual exclusion for read-modify-write of a file in the state folder: in-process by a queue
// per lock, across processes by proper-lockfile, whose lock is a directory its holder keeps
// touching. A lock not touched for `staleMs` is taken over whoever made it: pids say nothing
// across restarts (keelson is PID 1 in its container, so a dead holder's pid is always "alive").
// A busy lock fails after a few short retries with StoreUnavailable (reason Locked); the caller
// tries again later, never in a loop here.
import { dirname, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { StoreUnavailableError } from './store.js';
import { asStoreError, lockfileFs, nodeFileSystem, type StoreFileSystem } from './store-fs.js';

export interface FileLockOptions {
  fs?: StoreFileSystem;
  /** A lock untouched this long belongs to a holder that is gone (at least 2000, proper-lockfile's floor). */
  staleMs?: number;
  /** Tries after the first before a busy lock fails (waits of 20ms, 40ms... up to 250ms). */
  retries?: number;
}

export const FILE_LOCK_DEFAULTS = {
  staleMs: 10_000,
  retries: 5,
} as const;

const queues = new Map<string, Promise<unknown>>();

export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const key = resolve(lockFile);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const release = await takeLock(key, options);
    try {
      return await fn();
    } finally {
      // A lock that cannot be removed (the disk turned read-only) goes stale and is taken over.
      await release().catch(() => undefined);
    }
  });
  queues.set(key, run);
  try {
    return await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}

async function takeLock(file: string, options: FileLockOptions): Promise<() => Promise<void>> {
  const files = options.fs ?? nodeFileSystem;
  const staleMs = options.staleMs ?? FILE_LOCK_DEFAULTS.staleMs;
  const retries = options.retries ?? FILE_LOCK_DEFAULTS.retries;
  try {
    await files.mkdir(dirname(file), { recursive: true });
    await removeLeftoverFile(file, files);
    // Only a busy lock is worth waiting for; a full or read-only disk fails the first time.
    for (let attempt = 0; ; attempt++) {
      try {
        return await lock(file, {
          lockfilePath: file,
          realpath: false,
          stale: staleMs,
          fs: lockfileFs(files),
          // Held for one read and one write: a holder stalled past staleMs is treated as gone by
          // design, and fencing tokens, not this lock, keep a deposed controller's writes out.
          onCompromised: () => undefined,
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED' || attempt >= retries) throw err;
      }
      // Another process's lock lasts one read and one write: milliseconds.
      await new Promise<void>((r) => setTimeout(r, Math.min(250, 20 * 2 ** attempt)));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new StoreUnavailableError('Locked', `${file} is held by another process (touched within the last ${staleMs}ms)`, { cause: err });
    }
    throw asStoreError(err, `take the lock ${file}`);
  }
}

/**
 * Locks are directories. A plain file in a lock's place was left by an older keelson (empty when
 * the disk was full as it wrote its pid): nobody can be holding it, so it goes.
 */
async function removeLeftoverFile(file: string, files: StoreFileSystem): Promise<void> {
  let isFile: boolean;
  try {
    isFile = !(await files.stat(file)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (isFile) await files.unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
