// A file's stat as a key: size, modification and change times to the nanosecond, inode. Equal
// keys mean the file was (almost certainly) not written in between; see folder-changes.ts.
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';

export function statKey(s: BigIntStats): string {
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
}

/** The stat of a file with nanosecond times, or undefined when it is gone or unreadable. */
export function statOf(path: string): Promise<BigIntStats | undefined> {
  return stat(path, { bigint: true }).catch(() => undefined);
}
