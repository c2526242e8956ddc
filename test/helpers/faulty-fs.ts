// The real file system, with the errors a full (ENOSPC), read-only (EROFS) or forbidden (EACCES)
// disk gives, injected at the seam: tests run as root, where chmod stops nothing.
import { existsSync } from 'node:fs';
import { nodeFileSystem, type StoreFileSystem, type WritableFile } from '../../src/store/store-fs.js';

export type FaultCode = 'ENOSPC' | 'EROFS' | 'EACCES';
/** The calls a fault hits: `mkdir` of a folder that does not exist yet, `write` of file data, the rest by name. */
export type FaultyCall = 'mkdir' | 'open' | 'write' | 'rename' | 'unlink' | 'rmdir' | 'utimes';

const ALL_CALLS: readonly FaultyCall[] = ['mkdir', 'open', 'write', 'rename', 'unlink', 'rmdir', 'utimes'];
/** What each disk refuses: a full one still opens, renames and removes; a read-only one nothing. */
const REFUSED: Record<FaultCode, readonly FaultyCall[]> = {
  ENOSPC: ['mkdir', 'write'],
  EROFS: ALL_CALLS,
  EACCES: ALL_CALLS,
};
const MESSAGES: Record<FaultCode, string> = {
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};
const ERRNO: Record<FaultCode, number> = { ENOSPC: -28, EROFS: -30, EACCES: -13 };

export class FaultyFileSystem implements StoreFileSystem {
  private fault: { code: FaultCode; calls: readonly FaultyCall[] } | undefined;
  /** Calls refused so far. */
  refused = 0;
  /** Calls under way, so a test can let real I/O land before moving virtual time. */
  inFlight = 0;

  /** From now on, the calls this disk refuses fail with `code` (by default all it would refuse). */
  fail(code: FaultCode, calls: readonly FaultyCall[] = REFUSED[code]): void {
    this.fault = { code, calls };
  }

  /** Space is back, the disk is writable again. */
  heal(): void {
    this.fault = undefined;
  }

  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown> {
    return this.call('mkdir', path, () => nodeFileSystem.mkdir(path, options), () => existsSync(path));
  }

  open(path: string, flags: 'w' | 'wx', mode?: number): Promise<WritableFile> {
    return this.call('open', path, async () => {
      const handle = await nodeFileSystem.open(path, flags, mode);
      return {
        writeFile: (data) => this.call('write', path, () => handle.writeFile(data)),
        sync: () => this.track(() => handle.sync()),
        close: () => this.track(() => handle.close()),
      };
    });
  }

  readFile(path: string, encoding: 'utf8'): Promise<string> {
    return this.track(() => nodeFileSystem.readFile(path, encoding));
  }

  readdir(path: string): Promise<string[]> {
    return this.track(() => nodeFileSystem.readdir(path));
  }

  rename(from: string, to: string): Promise<void> {
    return this.call('rename', from, () => nodeFileSystem.rename(from, to));
  }

  unlink(path: string): Promise<void> {
    return this.call('unlink', path, () => nodeFileSystem.unlink(path));
  }

  rmdir(path: string): Promise<void> {
    return this.call('rmdir', path, () => nodeFileSystem.rmdir(path));
  }

  stat(path: string): ReturnType<StoreFileSystem['stat']> {
    return this.track(() => nodeFileSystem.stat(path));
  }

  utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    return this.call('utimes', path, () => nodeFileSystem.utimes(path, atime, mtime));
  }

  private call<T>(call: FaultyCall, path: string, run: () => Promise<T>, harmless: () => boolean = () => false): Promise<T> {
    return this.track(async () => {
      const fault = this.fault;
      if (fault && fault.calls.includes(call) && !harmless()) {
        this.refused++;
        throw Object.assign(new Error(`${fault.code}: ${MESSAGES[fault.code]}, ${call} '${path}'`), {
          code: fault.code,
          errno: ERRNO[fault.code],
          syscall: call,
          path,
        });
      }
      return run();
    });
  }

  private async track<T>(run: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await run();
    } finally {
      this.inFlight--;
    }
  }
}
