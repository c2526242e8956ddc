// Which files of a folder changed since they were last read, judged by their stat: size,
// modification and change times, inode. A file's ctime moves on every write or rename and cannot
// be set back (unlike mtime, which `rsync -t` or `touch -d` restore), so it is in the key too.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

export const FOLDER_CHANGE_DEFAULTS = {
  /**
   * A file changed this recently may change again within one timestamp tick of its file system
   * (1 ms to 2 s: ext4's kernel tick, FAT's 2 s) without its stat moving: it is read again at
   * the next snapshot, until it has been quiet that long ("racy git" in git's index).
   */
  racyWindowMs: 2_000,
} as const;

/** A key that is never equal to a stat key: a racy file always looks changed next time. */
const RACY = ':racy';

export interface FolderChanges {
  /** Files to read, with the key to remember once read. */
  changed: { file: string; key: string }[];
  /** Files held before and listed no more. */
  removed: string[];
}

/**
 * Compares the listed files with the keys held for them. `touched` names files an event said
 * changed (read again whatever their stat says); `wallNow` is the wall clock, the clock file
 * times are written by.
 */
export async function folderChanges(
  folder: string,
  listed: readonly string[],
  held: { keyOf(file: string): string | undefined; paths(): string[] },
  touched: ReadonlySet<string>,
  options: { wallNow: number; racyWindowMs: number },
): Promise<FolderChanges> {
  const stats = await Promise.all(listed.map((file) => stat(join(folder, file)).catch(() => undefined)));
  const changed: FolderChanges['changed'] = [];
  listed.forEach((file, i) => {
    const s = stats[i];
    // Gone between listing and stat: the read decides (it reports the file as gone, or unreadable).
    const key = s ? `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}` : 'unknown';
    const racy = !s || options.wallNow - Math.max(s.mtimeMs, s.ctimeMs) < options.racyWindowMs;
    if (held.keyOf(file) !== key || touched.has(file)) changed.push({ file, key: racy ? `${key}${RACY}` : key });
  });
  const present = new Set(listed);
  const removed = held.paths().filter((file) => !present.has(file));
  return { changed, removed };
}
