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
