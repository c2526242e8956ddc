// Where in a manifest file a problem found after validation belongs: clashing claims of two
// Releases, and the line and column of a field of a document.
import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { formatPath, locate } from '../api/locate.js';
import type { ManifestProblem } from '../api/problem.js';
import type { PathsValidation } from '../api/validate-paths.js';
import { refusedClaims } from '../runtime/claims.js';

/**
 * Two Releases of one folder naming the same service, listener, rule or weighted record would
 * fight over it once applied: both are reported, each at the line of its own field.
 */
export function claimConflicts(releases: PathsValidation['releases']): ManifestProblem[] {
  const byName = new Map(releases.map((r) => [r.release.metadata.name, r]));
  const refused = refusedClaims(releases.map((r) => ({ name: r.release.metadata.name, release: r.release, firstSeen: 0 })));
  const problems: ManifestProblem[] = [];
  for (const [name, refusal] of refused) {
    const later = byName.get(name);
    const first = byName.get(refusal.heldBy);
    if (!later || !first) continue;
    const at = (r: typeof later) => ({ file: r.file, ...fieldPosition(r.file, r.line, refusal.claim.path) });
    const here = at(later);
    const there = at(first);
    const problem = (p: typeof here, other: string, o: typeof here): ManifestProblem => ({
      ...p,
      path: formatPath(refusal.claim.path),
      message: `${refusal.claim.what} is also named by Release ${other} (${o.file}:${o.line}); two Releases would undo each other's writes`,
      code: 'duplicate',
    });
    problems.push(problem(here, refusal.heldBy, there), problem(there, name, here));
  }
  return problems;
}

/** Line and column of a field of the document that starts at `docLine`; the document's start if not found. */
export function fieldPosition(file: string, docLine: number, path: (string | number)[]): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const start = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
    if (start !== docLine) continue;
    const pos = locate(doc, lineCounter, path, 'value');
    return { line: pos.line, column: pos.column };
  }
  return { line: docLine, column: 1 };
}
