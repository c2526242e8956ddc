// Validation of one parsed document (schema, then semantic rules) and of names across documents.
import type { Document, LineCounter } from 'yaml';
import { formatPath, locate } from './locate.js';
import type { Position } from './locate.js';
import { tooDeep } from './input-checks.js';
import { INPUT_LIMITS, formatCount, listPlaces } from './limits.js';
import type { ManifestProblem } from './problem.js';
import { schemaErrors } from './schema.js';
import type { Finding } from './schema-errors.js';
import { explainSchemaErrors } from './schema-errors.js';
import { checkRelease } from './semantic.js';
import type { Release } from './types.js';
import { show } from './wording.js';

/**
 * Everything wrong with one document's data. Semantic rules run only on data that matches the
 * schema: they rely on its shape, and their messages would mislead about a half-formed spec.
 */
export function findProblems(value: unknown): Finding[] {
  const deep = tooDeep(value);
  if (deep) {
    return [{ path: deep, anchor: 'key', message: `is nested too deeply: at most ${INPUT_LIMITS.maxDepth} levels are allowed`, code: 'limit' }];
  }
  const errors = schemaErrors(value);
  if (errors.length > 0) return explainSchemaErrors(errors, value);
  return checkRelease(value as Release);
}

/** Findings placed at their line and column in a YAML document, in reading order. */
export function placeFindings(findings: Finding[], doc: Document, lineCounter: LineCounter, file: string): ManifestProblem[] {
  return findings
    .map((f) => ({ file, ...locate(doc, lineCounter, f.path, f.anchor), path: formatPath(f.path), message: f.message, code: f.code }))
    .sort(byPlace);
}

export function byPlace(a: ManifestProblem, b: ManifestProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

/** A document that declares a Release name, as much as duplicate detection needs. */
export interface NamedDocument {
  name?: string;
  nameAt?: Position;
  release?: Release;
  problems: ManifestProblem[];
}

/**
 * Reports every Release whose name another document of the same source also uses, on each of
 * them, and withdraws those Releases: which one is meant cannot be guessed. Safe to run again
 * over a wider set (a file, then the whole source): earlier duplicate reports are replaced.
 */
export function markDuplicateNames(docs: { file: string; doc: NamedDocument }[]): ManifestProblem[] {
  const byName = new Map<string, { file: string; doc: NamedDocument }[]>();
  for (const entry of docs) {
    if (entry.doc.name === undefined) continue;
    const list = byName.get(entry.doc.name) ?? [];
    list.push(entry);
    byName.set(entry.doc.name, list);
  }
  const added: ManifestProblem[] = [];
  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    // Each message names a few of the other places and counts the rest: listing all of them on
    // each would grow the output with the square of the number of copies.
    const firstPlaces = list.slice(0, INPUT_LIMITS.maxPlacesPerMessage + 1);
    for (const { file, doc } of list) {
      const others = firstPlaces.filter((o) => o.doc !== doc).map((o) => `${o.file}:${o.doc.nameAt?.line ?? 0}`);
      const count = list.length - 1;
      const at = doc.nameAt ?? { line: 0, column: 0 };
      const problem: ManifestProblem = {
        file,
        ...at,
        path: 'metadata.name',
        message: `${count === 1 ? 'another Release is' : `${formatCount(count)} other Releases are`} also named ${show(name)} (${listPlaces(others, count)}); names must be unique within a source`,
        code: 'duplicate',
      };
      doc.problems = [...doc.problems.filter((p) => p.code !== 'duplicate'), problem].sort(byPlace);
      delete doc.release;
      added.push(problem);
    }
  }
  return added;
}
