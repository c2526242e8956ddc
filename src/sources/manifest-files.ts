// Finding manifest files: every *.yaml / *.yml under a folder, hidden names skipped (.git,
// temp files), in a stable order so a snapshot's revision depends on content alone.
import { readdir } from 'node:fs/promises';
import { readManifestFile } from '../api/read-manifest.js';
import { join, relative, sep } from 'node:path';
import { statKey, statOf } from './file-stat.js';
import { SourceUnavailableError } from './source.js';
import { shortContentRevision } from './spec-hash.js';
import type { ManifestText } from './snapshot.js';

export function isManifestName(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.yaml') || name.endsWith('.yml'));
}

/** Relative paths (with `/`) of the manifest files under folder, sorted. */
export async function listManifestFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && isManifestName(entry.name)) found.push(relative(folder, full).split(sep).join('/'));
    }
  };
  await walk(folder);
  return found.sort();
}

/**
 * Reads every manifest file. A missing or unreadable folder or file makes the whole source
 * unavailable: dropping one file's Releases would look like their deletion.
 */
export async function readManifestFolder(folder: string): Promise<ManifestText[]> {
  let files: string[];
  try {
    files = await listManifestFiles(folder);
  } catch (err) {
    throw new SourceUnavailableError(`cannot read folder ${folder}: ${(err as Error).message}`, err);
  }
  const manifests: ManifestText[] = [];
  for (const file of files) {
    const manifest = await readManifestText(folder, file);
    if (manifest) manifests.push(manifest);
  }
  return manifests;
}

/**
 * One manifest file as text, or undefined when it is gone (removed while listing). A file that
 * cannot be read for now (permissions, a write in progress) makes the source unavailable: stale,
 * not deleted. A file refused for what it is (a special file, a link out of the folder, too
 * large) is returned with its problem, so its Releases are invalid.
 */
export async function readManifestText(folder: string, file: string): Promise<ManifestText | undefined> {
  const read = await readManifestFile(join(folder, file), folder);
  if (!('problem' in read)) return { file, text: read.bytes, sourceRevision: shortContentRevision(read.bytes) };
  if (read.errno === 'ENOENT') return undefined;
  if (read.errno) throw new SourceUnavailableError(`cannot read ${join(folder, file)}: ${read.problem.message}`);
  return { file, text: '', problem: read.problem, sourceRevision: shortContentRevision(read.problem.message) };
}

/**
 * A cheap fingerprint of the folder for the poll fallback: names and stat keys (size, times to
 * the nanosecond, inode), so a same-size edit whose mtime was set back still moves it (ctime).
 */
export async function folderFingerprint(folder: string): Promise<string> {
  try {
    const files = await listManifestFiles(folder);
    const parts = await Promise.all(
      files.map(async (f) => {
        const s = await statOf(join(folder, f));
        return s ? `${f}:${statKey(s)}` : `${f}:gone`;
      }),
    );
    return parts.join('\n');
  } catch (err) {
    return `unreadable:${(err as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}
