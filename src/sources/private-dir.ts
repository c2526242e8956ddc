// Folders only keelson may touch: a Git cache holds a repository whose configuration git obeys
// and whose files keelson deploys from, so nobody else may have planted or be able to change it.
import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export class UnsafeDirectoryError extends Error {
  override readonly name = 'UnsafeDirectoryError';
  readonly code = 'UnsafeDirectory';
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`refusing ${path}: ${why}`);
  }
}

export interface PrivateDirOptions {
  /** The owner required; default this process's user. */
  uid?: number;
}

/**
 * Creates the folder with mode 0700 when missing; refuses one that is a symlink, not ours, or
 * open to others. Parents owned by someone else (not root) must be sticky, like /tmp: otherwise
 * that someone could swap the folder for their own.
 */
export async function ensurePrivateDir(path: string, options: PrivateDirOptions = {}): Promise<void> {
  const dir = resolve(path);
  const uid = options.uid ?? process.getuid?.();
  if (uid === undefined) return; // no POSIX owners (Windows): nothing to check against
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const own = await lstat(dir);
  if (own.isSymbolicLink()) throw new UnsafeDirectoryError(dir, 'it is a symbolic link; keelson keeps its Git cache in a real folder of its own');
  if (!own.isDirectory()) throw new UnsafeDirectoryError(dir, 'it is not a folder');
  if (own.uid !== uid) throw new UnsafeDirectoryError(dir, `it belongs to uid ${own.uid}, not to uid ${uid} that runs keelson; remove it or choose another cacheDir`);
  if ((own.mode & 0o077) !== 0) {
    throw new UnsafeDirectoryError(dir, `its mode is ${modeText(own.mode)}, open to other users; it must be 0700 (chmod 700 it, or remove it and keelson recreates it)`);
  }
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    const info = await stat(parent);
    const othersMayWrite = (info.mode & 0o022) !== 0;
    if (info.uid !== uid && info.uid !== 0 && !(info.mode & 0o1000)) {
      throw new UnsafeDirectoryError(dir, `its parent ${parent} belongs to uid ${info.uid}, who could replace it`);
    }
    if (othersMayWrite && !(info.mode & 0o1000)) {
      throw new UnsafeDirectoryError(dir, `its parent ${parent} (mode ${modeText(info.mode)}) is writable by other users, who could replace it`);
    }
    if (dirname(parent) === parent) break;
  }
}

function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
