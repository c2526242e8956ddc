// Parses manifest text into Releases, each validated and with its problems located by line and field.
import { LineCounter, isAlias, isNode, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';
import { checkText } from './input-checks.js';
import { INPUT_LIMITS, formatCount } from './limits.js';
import { locate } from './locate.js';
import type { Position } from './locate.js';
import type { ManifestProblem } from './problem.js';
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
  /** True when the file as a whole was refused (too large, too many documents, a forbidden character) and not parsed. */
  refused?: boolean;
}

/**
 * Every document of a YAML file, validated against the schema and the semantic rules. Empty
 * documents are skipped; Releases sharing a name within the file are reported on each.
 */
export function parseReleases(text: string, file: string): ParsedFile {
  const refused = checkText(text);
  if (refused) {
    const { line, column, message, code } = refused;
    return { file, releases: [{ problems: [{ file, line, column, path: '', message, code }], line: Math.max(line, 1) }], refused: true };
  }
  let releases: ParsedRelease[];
  try {
    releases = fullReleases(text, file);
  } catch (err) {
    // Nesting deep enough to exhaust the parser's stack; shallower excess is a problem at its field.
    if (!(err instanceof RangeError)) throw err;
    const message = `is nested too deeply to read; at most ${INPUT_LIMITS.maxDepth} levels are allowed`;
    return { file, releases: [{ problems: [{ file, line: 0, column: 0, path: '', message, code: 'limit' }], line: 1 }], refused: true };
  }
  markDuplicateNames(releases.map((doc) => ({ file, doc })));
  capProblems(releases, file);
  return { file, releases };
}

/**
 * At most maxProblemsPerFile problems over the file's documents, and the rest counted; every
 * document with problems keeps at least its first, so none of them looks valid.
 */
export function capProblems(releases: { problems: ManifestProblem[] }[], file: string): void {
  let budget: number = INPUT_LIMITS.maxProblemsPerFile;
  let dropped = 0;
  let last: { problems: ManifestProblem[] } | undefined;
  for (const doc of releases) {
    if (doc.problems.length === 0) continue;
    const keep = Math.max(1, Math.min(budget, doc.problems.length));
    dropped += doc.problems.length - keep;
    budget = Math.max(0, budget - keep);
    if (keep < doc.problems.length) doc.problems = doc.problems.slice(0, keep);
    last = doc;
  }
  if (dropped > 0 && last) last.problems.push(moreProblems(file, dropped));
}

const moreProblems = (file: string, n: number): ManifestProblem => ({
  file,
  line: 0,
  column: 0,
  path: '',
  message: `and ${formatCount(n)} more problem${n === 1 ? '' : 's'} not shown (at most ${INPUT_LIMITS.maxProblemsPerFile} per file are listed)`,
  code: 'limit',
});

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
    const errors = doc.errors.length > INPUT_LIMITS.maxProblemsPerFile ? doc.errors.slice(0, INPUT_LIMITS.maxProblemsPerFile - 1) : doc.errors;
    const shown = errors.map((e) => yamlProblem(e.pos[0], e.message));
    const more = doc.errors.length - shown.length;
    return { problems: more > 0 ? [...shown, moreProblems(file, more)] : shown, line: start };
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
  const tagged = tagProblems(doc, yamlProblem);
  if (tagged.length > 0) return { problems: tagged, line: start };
  const findings = findProblems(value);
  // One place is left for the count of the rest, so the file's cap keeps it.
  const shown = findings.length > INPUT_LIMITS.maxProblemsPerFile ? findings.slice(0, INPUT_LIMITS.maxProblemsPerFile - 1) : findings;
  const problems = placeFindings(shown, doc, lineCounter, file);
  if (findings.length > shown.length) problems.push(moreProblems(file, findings.length - shown.length));
  const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
  return {
    ...(typeof name === 'string' ? { name, nameAt: locate(doc, lineCounter, ['metadata', 'name'], 'value') } : {}),
    ...(problems.length === 0 ? { release: value as Release } : {}),
    problems,
    line: start,
  };
}

/** Tags the core schema reads as written; any other tag would change or drop the value silently (`!Ref x` becomes "x", `!!set` an empty mapping). */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

function tagProblems(doc: Document, yamlProblem: (offset: number, message: string) => ManifestProblem): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  visit(doc, (_, node) => {
    if (!isNode(node) || node.tag === undefined || PLAIN_TAGS.has(node.tag)) return undefined;
    const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
    problems.push(
      yamlProblem(
        node.range?.[0] ?? 0,
        `the YAML tag ${JSON.stringify(tag.slice(0, 40))} is not supported: keelson reads plain YAML values (CloudFormation functions such as !Ref are not evaluated)`,
      ),
    );
    return problems.length >= INPUT_LIMITS.maxProblemsPerFile ? visit.BREAK : undefined;
  });
  return problems;
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
