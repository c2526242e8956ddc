// Reading one manifest file without trusting what the name points at: only a regular file
// inside the source's root is read, never more than the size limit, and nothing of a refused
// file (its content or where a link leads) is echoed.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { relative, isAbsolute, sep } from 'node:path';
import { tooLarge, type TextProblem } from './input-checks.js';
import { INPUT_LIMITS } from './limits.js';

export type ManifestRead = { bytes: Buffer } | { problem: TextProblem; errno?: string };

const refusal = (message: string, errno?: string): ManifestRead => ({
  problem: { line: 0, column: 0, message, code: 'io' },
  ...(errno ? { errno } : {}),
});

function kindOf(stats: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The bytes of the manifest at `path`, which must resolve (links followed) to a regular file
 * under `root`; otherwise a problem saying why it was not read.
 */
export async function readManifestFile(path: string, root: string): Promise<ManifestRead> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    return refusal(errno === 'ENOENT' ? 'no such file or directory' : `cannot be read (${errno ?? 'error'})`, errno);
  }
  if (!inside(realRoot, real)) return refusal('is a link to a file outside the source folder; links must stay inside it, so it was not read');
  let handle;
  try {
    // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer;
    // no following, so that a link swapped in after the check above is refused.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    return refusal(errno === 'ENOENT' ? 'no such file or directory' : `cannot be read (${errno ?? 'error'})`, errno);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return refusal(`is ${kindOf(stats)}, not a regular file; only regular files are read`);
    if (stats.size > INPUT_LIMITS.maxFileBytes) return { problem: tooLarge(stats.size) };
    // Read at most one byte past the limit, in case the file grew since it was measured.
    const buffer = Buffer.alloc(Math.min(stats.size, INPUT_LIMITS.maxFileBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > INPUT_LIMITS.maxFileBytes) return { problem: tooLarge(length) };
    if (length === buffer.length) return refusal('changed while it was read; it is read again on the next pass', 'EAGAIN');
    return { bytes: buffer.subarray(0, length) };
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    return refusal(`cannot be read (${errno ?? 'error'})`, errno);
  } finally {
    await handle.close();
  }
}
