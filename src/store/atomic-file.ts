// Files that are either the old content or the new, never half of each: write a temp file in
// the same folder, flush it, then rename over the target (rename is atomic on one filesystem).
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { nodeFileSystem, type StoreFileSystem } from './store-fs.js';

/** Temp files are `.<name>.<pid>.<random>.tmp`: hidden, and never matched by `*.json` or `*.yaml`. */
export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, files: StoreFileSystem = nodeFileSystem): Promise<void> {
  await files.mkdir(dirname(file), { recursive: true });
  const temp = tempPathFor(file);
  const handle = await files.open(temp, 'w', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await files.rename(temp, file);
  } catch (err) {
    // A full disk leaves a partial temp file behind: give its space back.
    await files.unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJsonFile<T>(file: string, files: StoreFileSystem = nodeFileSystem): Promise<T | undefined> {
  let text: string;
  try {
    text = await files.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

export async function writeJsonFileAtomic(file: string, value: unknown, files: StoreFileSystem = nodeFileSystem): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, files);
}
