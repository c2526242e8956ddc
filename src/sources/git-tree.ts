// Reading a commit's files straight from the object store of the cache repository: no
// checkout, no working tree to get out of step.
import type { GitRunner } from './git-command.js';

export interface TreeFile {
  path: string;
  blob: string;
}

export interface CommitInfo {
  sha: string;
  author: string;
  authorEmail: string;
  authoredAt: string;
  subject: string;
}

export async function listTree(git: GitRunner, sha: string, wanted: (path: string) => boolean): Promise<TreeFile[]> {
  const out = (await git.run(['ls-tree', '-r', '-z', '--full-tree', sha])).toString('utf8');
  const files: TreeFile[] = [];
  for (const entry of out.split('\0')) {
    // `<mode> <type> <object>\t<path>`
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, blob] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    if (type === 'blob' && blob && wanted(path)) files.push({ path, blob });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Reads many blobs through one `git cat-file --batch`. */
export async function readBlobs(git: GitRunner, blobs: string[]): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  if (blobs.length === 0) return contents;
  const out = await git.run(['cat-file', '--batch'], `${blobs.join('\n')}\n`);
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const [oid = '', type, size] = out.subarray(at, eol).toString('utf8').split(' ');
    if (type === 'missing' || size === undefined) {
      at = eol + 1;
      continue;
    }
    const length = Number(size);
    contents.set(oid, out.subarray(eol + 1, eol + 1 + length));
    at = eol + 1 + length + 1; // content, then a newline
  }
  return contents;
}

/** A commit as its object states it, with the parents it names. */
export interface CommitObject extends CommitInfo {
  parents: string[];
}

/**
 * Resolves `rev` and reads its commit object in one `git cat-file --batch`. The parents come
 * from the object itself: in a shallow repository `git log` hides the parents of a commit at
 * the shallow boundary, which every fetched tip is.
 */
export async function readCommitObject(git: GitRunner, rev: string): Promise<CommitObject> {
  const out = await git.run(['cat-file', '--batch'], `${rev}^{commit}\n`);
  const eol = out.indexOf(0x0a);
  const [sha = '', type] = out.subarray(0, Math.max(eol, 0)).toString('utf8').split(' ');
  if (eol < 0 || type !== 'commit') throw new Error(`${rev} is not a commit`);
  const text = out.subarray(eol + 1).toString('utf8');
  const blank = text.indexOf('\n\n');
  const headers = (blank < 0 ? text : text.slice(0, blank)).split('\n');
  const parents = headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice('parent '.length).trim());
  const author = /^author (.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(headers.find((h) => h.startsWith('author ')) ?? '');
  // Like `%s`: the first paragraph of the message, its lines joined by spaces.
  const message = blank < 0 ? '' : text.slice(blank + 2);
  const subject = (message.split(/\n\s*\n/)[0] ?? '').trim().split('\n').map((l) => l.trim()).join(' ');
  return {
    sha,
    parents,
    author: author?.[1] ?? '',
    authorEmail: author?.[2] ?? '',
    authoredAt: author ? isoWithOffset(Number(author[3]), author[4]!) : '',
    subject,
  };
}

/** Seconds since the epoch and a `+hhmm` offset as git's `%aI`: `2026-01-01T01:00:00+01:00`. */
export function isoWithOffset(seconds: number, offset: string): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  const local = new Date((seconds + minutes * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${offset.slice(0, 3)}:${offset.slice(3, 5)}`;
}

/** A path that differs between two commits: its blob in the newer one, or none when it is gone there. */
export interface ChangedPath {
  path: string;
  /** Absent when the path was deleted or is no longer a file (a submodule). */
  blob?: string;
}

const GITLINK_MODE = '160000';
const NO_OBJECT = /^0+$/;

/**
 * The paths that differ between two commits' trees (`git diff --raw`; renames as a delete and
 * an add), limited to `folder` when given. Throws when either commit is not in the repository.
 */
export async function diffTrees(git: GitRunner, from: string, to: string, folder?: string): Promise<ChangedPath[]> {
  const args = ['--literal-pathspecs', 'diff', '--raw', '-z', '--no-renames', '--no-abbrev', '--no-ext-diff', '--no-textconv', from, to];
  if (folder) args.push('--', folder);
  const fields = (await git.run(args)).toString('utf8').split('\0');
  const changed: ChangedPath[] = [];
  // `:<old mode> <new mode> <old object> <new object> <status>` NUL `<path>` NUL
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const header = fields[i]!;
    const path = fields[i + 1]!;
    if (!header.startsWith(':')) break;
    const [, newMode, , newObject] = header.slice(1).split(' ');
    const isFile = newMode !== undefined && newMode !== GITLINK_MODE && newObject !== undefined && !NO_OBJECT.test(newObject);
    changed.push(isFile ? { path, blob: newObject } : { path });
  }
  return changed;
}
