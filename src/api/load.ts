// Parses manifest text into Releases, each validated and with its problems located by line and field.
import { LineCounter, isAlias, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';
import { locate } from './locate.js';
import type { Position } from './locate.js';
import type { ManifestProblem } from './problem.js';
import { fastNameAt, fastRead } from './fast-yaml.js';
import type { Release } from './types.js';
import { findProblems, markDuplicateNames, placeFindings } from './validate.js';

export interface ParsedRelease {
  /** metadata.name when it could be read. */
  name?: string;
  /** Where metadata.name is written. */
  nameAt?: Position;
  /** The Release exactly as written (no defaults filled in); present only when problems is empty. */
  release?: Release;
  problems: ManifestProblem[];
  /** 1-based line where the document starts. */
  line: number;
}

export interface ParsedFile {
  file: string;
  releases: ParsedRelease[];
}

/**
 * Every document of a YAML file, validated against the schema and the semantic rules. Empty
 * documents are skipped; Releases sharing a name within the file are reported on each.
 */
export function parseReleases(text: string, file: string): ParsedFile {
  const releases = fastReleases(text) ?? fullReleases(text, file);
  markDuplicateNames(releases.map((doc) => ({ file, doc })));
  return { file, releases };
}

/**
 * The fast way for the usual case: YAML that js-yaml reads exactly as `yaml` does, every
 * document valid and its name written in the usual way. Anything else (any problem to report
 * with its line) takes the full way.
 */
function fastReleases(text: string): ParsedRelease[] | undefined {
  const read = fastRead(text);
  if (!read) return undefined;
  const releases: ParsedRelease[] = [];
  for (const doc of read.docs) {
    if (findProblems(doc.value).length > 0) return undefined;
    const release = doc.value as Release;
    const nameAt = fastNameAt(read, doc, release.metadata.name);
    if (!nameAt) return undefined;
    releases.push({ name: release.metadata.name, nameAt, release, problems: [], line: doc.line });
  }
  return releases;
}

function fullReleases(text: string, file: string): ParsedRelease[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const releases: ParsedRelease[] = [];
  for (const doc of list) {
    const parsed = parseDocument(doc, lineCounter, file);
    if (parsed) releases.push(parsed);
  }
  return releases;
}

function parseDocument(doc: Document, lineCounter: LineCounter, file: string): ParsedRelease | undefined {
  const start = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
  const yamlProblem = (offset: number, message: string): ManifestProblem => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: '', message, code: 'yaml' };
  };
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((e) => yamlProblem(e.pos[0], e.message)), line: start };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // An alias to a missing anchor, or too many aliases (a "billion laughs" document).
    const offset = firstAliasOffset(doc) ?? doc.range?.[0] ?? 0;
    return { problems: [yamlProblem(offset, err instanceof Error ? err.message : String(err))], line: start };
  }
  if (value === null || value === undefined) return undefined;
  const problems = placeFindings(findProblems(value), doc, lineCounter, file);
  const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
  return {
    ...(typeof name === 'string' ? { name, nameAt: locate(doc, lineCounter, ['metadata', 'name'], 'value') } : {}),
    ...(problems.length === 0 ? { release: value as Release } : {}),
    problems,
    line: start,
  };
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        offset = node.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}
