// Validation of manifest files and folders, as one source: names must be unique across all files.
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { decodeManifest } from './input-checks.js';
import { TurnBudget } from './limits.js';
import { parseReleases } from './load.js';
import type { ParsedFile } from './load.js';
import type { ManifestProblem } from './problem.js';
import { readManifestFile } from './read-manifest.js';
import type { Release } from './types.js';
import { byPlace, markDuplicateNames } from './validate.js';

export interface PathsValidation {
  /** Every manifest file read, sorted. */
  files: string[];
  /** The valid Releases, in file order. */
  releases: { file: string; line: number; release: Release }[];
  /** Every problem of every file, by file, line and column. */
  problems: ManifestProblem[];
}

const MANIFEST = /\.ya?ml$/;

const ioProblem = (file: string, err: unknown): ManifestProblem => ({
  file,
  line: 0,
  column: 0,
  path: '',
  message: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String((err as Error).message ?? err),
  code: 'io',
});

/** *.yaml and *.yml files under a folder, recursively; folders starting with a dot are skipped. */
async function manifestsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.')) found.push(...(await manifestsUnder(path)));
    else if (entry.isFile() && MANIFEST.test(entry.name)) found.push(path);
  }
  return found;
}

/**
 * The manifest files a list of paths names: files as given, folders expanded. `roots` maps each
 * file to the folder it must stay inside (the folder named, or a named file's own folder).
 */
export async function expandPaths(paths: string[]): Promise<{ files: string[]; problems: ManifestProblem[]; roots: Map<string, string> }> {
  const files = new Set<string>();
  const roots = new Map<string, string>();
  const problems: ManifestProblem[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) {
        for (const file of await manifestsUnder(path)) {
          files.add(file);
          roots.set(file, resolve(path));
        }
      } else {
        files.add(path);
        roots.set(path, resolve(dirname(path)));
      }
    } catch (err) {
      problems.push(ioProblem(path, err));
    }
  }
  return { files: [...files].sort(), problems, roots };
}

/** Validates every manifest under the given files and folders, as one source. */
export async function validatePaths(paths: string[]): Promise<PathsValidation> {
  const expanded = await expandPaths(paths);
  const problems = [...expanded.problems];
  const files: ParsedFile[] = [];
  // Timers (lease renewal, health checks) get a turn between files once enough has been parsed.
  const budget = new TurnBudget();
  for (const file of expanded.files) {
    const read = await readManifestFile(file, expanded.roots.get(file) ?? resolve(dirname(file)));
    const decoded = 'bytes' in read ? decodeManifest(read.bytes) : read;
    if ('problem' in decoded) {
      const { line, column, message, code } = decoded.problem;
      problems.push({ file, line, column, path: '', message, code });
      continue;
    }
    files.push(parseReleases(decoded.text, file));
    await budget.spend(decoded.text.length);
  }
  markDuplicateNames(files.flatMap((f) => f.releases.map((doc) => ({ file: f.file, doc }))));
  const releases: PathsValidation['releases'] = [];
  for (const f of files) {
    for (const r of f.releases) {
      problems.push(...r.problems);
      if (r.release) releases.push({ file: f.file, line: r.line, release: r.release });
    }
  }
  return { files: expanded.files, releases, problems: problems.sort(byPlace) };
}
