// Parses manifest text into Releases, each with its own problems located by line and field.
// (Validation against the schema and semantic checks arrive with src/api/validate.ts.)
import { LineCounter, parseAllDocuments } from 'yaml';
import type { ManifestProblem } from './problem.js';
import type { Release } from './types.js';

export interface ParsedRelease {
  /** metadata.name when it could be read. */
  name?: string;
  release?: Release;
  problems: ManifestProblem[];
  /** 1-based line where the document starts. */
  line: number;
}

export interface ParsedFile {
  file: string;
  releases: ParsedRelease[];
}

export function parseReleases(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const releases: ParsedRelease[] = [];
  for (const doc of list) {
    const start = lineCounter.linePos(doc.range?.[0] ?? 0);
    const problems: ManifestProblem[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, path: '', message: e.message, code: 'yaml' };
    });
    const value: unknown = problems.length === 0 ? doc.toJS() : undefined;
    if (value === null || value === undefined) {
      if (problems.length > 0) releases.push({ problems, line: start.line });
      continue;
    }
    const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
    releases.push({
      ...(typeof name === 'string' ? { name } : {}),
      release: value as Release,
      problems,
      line: start.line,
    });
  }
  return { file, releases };
}
