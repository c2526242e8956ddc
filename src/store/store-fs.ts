// The file-system calls the folder store makes, behind one seam: the store runs on node:fs, and
// tests hand it one that fails the way a full, read-only or forbidden disk does (ENOSPC, EROFS,
// EACCES) — chmod cannot show that when the tests run as root.
import { callbackify } from 'node:util';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { isStoreUnavailable, StoreUnavailableError } from './store.js';

export interface StoreFileSystem {
  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown>;
  /** Opens a file for writing; `wx` fails when it exists. */
  open(path: string, flags: 'w' | 'wx', mode?: number): Promise<WritableFile>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  stat(path: string): Promise<fs.Stats>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
}

export interface WritableFile {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export const nodeFileSystem: StoreFileSystem = {
  mkdir: (path, options) => fsp.mkdir(path, options),
  open: (path, flags, mode) => fsp.open(path, flags, mode),
  readFile: (path, encoding) => fsp.readFile(path, encoding),
  readdir: (path) => fsp.readdir(path),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  rmdir: (path) => fsp.rmdir(path),
  stat: (path) => fsp.stat(path),
  utimes: (path, atime, mtime) => fsp.utimes(path, atime, mtime),
};

/** The callback-style calls proper-lockfile makes, served by a StoreFileSystem. */
export interface LockfileFs {
  mkdir: (path: string, callback: (err: NodeJS.ErrnoException | null) => void) => void;
  stat: (path: string, callback: (err: NodeJS.ErrnoException | null, stats: fs.Stats) => void) => void;
  rmdir: (path: string, callback: (err: NodeJS.ErrnoException | null) => void) => void;
  utimes: (path: string, atime: Date, mtime: Date, callback: (err: NodeJS.ErrnoException | null) => void) => void;
  /** Only on process exit, to remove the locks still held. */
  rmdirSync: (path: string) => void;
}

const adapters = new WeakMap<StoreFileSystem, LockfileFs>();

/** One adapter per file system, so proper-lockfile's cached mtime precision is probed once. */
export function lockfileFs(files: StoreFileSystem): LockfileFs {
  let adapter = adapters.get(files);
  if (!adapter) {
    adapter = {
      mkdir: callbackify((path: string) => files.mkdir(path).then(() => undefined)),
      stat: callbackify((path: string) => files.stat(path)),
      rmdir: callbackify((path: string) => files.rmdir(path)),
      utimes: callbackify((path: string, atime: Date, mtime: Date) => files.utimes(path, atime, mtime)),
      rmdirSync: (path) => fs.rmdirSync(path),
    };
    adapters.set(files, adapter);
  }
  return adapter;
}

/**
 * A failed file-system call as a StoreUnavailableError naming what was being done; other errors
 * (a stale fence, a file that is not JSON) are returned as they are.
 */
export function asStoreError(err: unknown, doing: string): unknown {
  if (isStoreUnavailable(err)) return err;
  const e = err as NodeJS.ErrnoException | null;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return err;
  return new StoreUnavailableError(e.code, `cannot ${doing}: ${e.message}`, { cause: err });
}
