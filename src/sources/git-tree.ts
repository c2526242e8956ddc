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

export async function readCommit(git: GitRunner, sha: string): Promise<CommitInfo> {
  const out = (await git.run(['log', '-1', '--format=%H%x00%an%x00%ae%x00%aI%x00%s', sha])).toString('utf8').trim();
  const [full = sha, author = '', authorEmail = '', authoredAt = '', subject = ''] = out.split('\0');
  return { sha: full, author, authorEmail, authoredAt, subject };
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

/**
 * The parents a commit names, from the commit object itself: in a shallow repository `git log`
 * hides the parents of a commit at the shallow boundary, which every fetched tip is.
 */
export async function readParents(git: GitRunner, sha: string): Promise<string[]> {
  const out = (await git.run(['cat-file', 'commit', sha])).toString('utf8');
  const parents: string[] = [];
  for (const line of out.split('\n')) {
    if (line === '') break; // the headers end at the first empty line
    if (line.startsWith('parent ')) parents.push(line.slice('parent '.length).trim());
  }
  return parents;
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
