// Mutual exclusion for read-modify-write of a file in the state folder: in-process by a queue
// per lock, across processes by a lock file created with O_EXCL. A lock file left by a process
// that died (its pid no longer runs) is taken over.
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
  readonly code = 'LockBusy';
}

const queues = new Map<string, Promise<unknown>>();
/** Turns of the event loop spent waiting for another process before giving up. */
const MAX_WAIT_TURNS = 200_000;

export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(lockFile);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    await takeLock(key);
    try {
      return await fn();
    } finally {
      await unlink(key).catch(() => undefined);
    }
  });
  queues.set(key, run);
  try {
    return await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}

async function takeLock(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  for (let turn = 0; turn < MAX_WAIT_TURNS; turn++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await holderIsGone(file)) await unlink(file).catch(() => undefined);
    else await new Promise<void>((r) => setImmediate(r));
  }
  throw new LockBusyError(`${file} is held by another process`);
}

async function holderIsGone(file: string): Promise<boolean> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written right now
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
