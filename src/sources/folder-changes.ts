// Which files of a folder changed since they were last read, judged by their stat: size,
// modification and change times (to the nanosecond), inode. A file's ctime moves on every write
// or rename and cannot be set back (unlike mtime, which `cp -p`, `rsync -t` or `touch -r`
// restore), so it is in the key too. Where even that can miss (a timestamp tick coarser than two
// writes, a network file system's own clock), a periodic content check compares every file whose
// stat did not move with the content it was read with.
import { join } from 'node:path';
import { statKey, statOf } from './file-stat.js';
import { readManifestText } from './manifest-files.js';

export const FOLDER_CHANGE_DEFAULTS = {
  /**
   * A file changed this recently may change again within one timestamp tick of its file system
   * (1 ms to 2 s: ext4's kernel tick, FAT's 2 s) without its stat moving: it is read again at
   * the next snapshot, until it has been quiet that long ("racy git" in git's index).
   */
  racyWindowMs: 2_000,
  /** How often a snapshot also compares the content of files whose stat did not move. */
  contentCheckIntervalMs: 60_000,
} as const;

/** A key that is never equal to a stat key: a racy file always looks changed next time. */
const RACY = ':racy';

export interface FolderChanges {
  /** Files to read, with the key to remember once read. */
  changed: { file: string; key: string }[];
  /** Files held before and listed no more. */
  removed: string[];
}

export interface HeldFiles {
  keyOf(file: string): string | undefined;
  /** The content revision the file was read with (`sha256:<12 hex>`). */
  revisionOf(file: string): string | undefined;
  paths(): string[];
}

/**
 * Compares the listed files with the keys held for them. `touched` names files an event said
 * changed (read again whatever their stat says); `wallNow` is the wall clock, the clock file
 * times are written by. With `compareContent`, a file whose stat did not move is read and its
 * content compared with what was held.
 */
export async function folderChanges(
  folder: string,
  listed: readonly string[],
  held: HeldFiles,
  touched: ReadonlySet<string>,
  options: { wallNow: number; racyWindowMs: number; compareContent?: boolean },
): Promise<FolderChanges> {
  const stats = await Promise.all(listed.map((file) => statOf(join(folder, file))));
  const changed: FolderChanges['changed'] = [];
  for (const [i, file] of listed.entries()) {
    const s = stats[i];
    // Gone between listing and stat: the read decides (it reports the file as gone, or unreadable).
    const key = s ? statKey(s) : 'unknown';
    const racy = !s || options.wallNow - Math.max(Number(s.mtimeMs), Number(s.ctimeMs)) < options.racyWindowMs;
    const moved = held.keyOf(file) !== key || touched.has(file) || (options.compareContent === true && (await contentMoved(folder, file, held)));
    if (moved) changed.push({ file, key: racy ? `${key}${RACY}` : key });
  }
  const present = new Set(listed);
  const removed = held.paths().filter((file) => !present.has(file));
  return { changed, removed };
}

async function contentMoved(folder: string, file: string, held: HeldFiles): Promise<boolean> {
  const text = await readManifestText(folder, file);
  return text?.sourceRevision !== held.revisionOf(file);
}
