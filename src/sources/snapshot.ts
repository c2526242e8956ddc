// From manifest text to the Releases of a snapshot: each document becomes a candidate with its
// spec or its problems; names are checked for duplicates; generations are assigned.
import { LineCounter, parseAllDocuments } from 'yaml';
import { decodeManifest, type TextProblem } from '../api/input-checks.js';
import { INPUT_LIMITS, TurnBudget, listPlaces } from '../api/limits.js';
import { capProblems, parseReleases } from '../api/load.js';
import type { ManifestProblem } from '../api/problem.js';
import type { Release } from '../api/types.js';
import { show } from '../api/wording.js';
import type { GenerationLedger } from './generation-ledger.js';
import type { SourcedRelease } from './source.js';
import { canonicalJson, sha256Hex, specHash } from './spec-hash.js';

export interface ManifestText {
  /** Path shown in problems, relative to the source root. */
  file: string;
  /** The text, or the file's bytes (decoded here: UTF-8, or UTF-16 with a byte-order mark). */
  text: string | Uint8Array;
  /** Why the file was not read (a special file, a link out of the source, too large); text is then empty. */
  problem?: TextProblem;
  sourceRevision: string;
}

/** One document of a source before names are checked and generations assigned. */
export interface ReleaseCandidate {
  name?: string;
  file: string;
  line: number;
  release?: Release;
  problems: ManifestProblem[];
  sourceRevision: string;
  /** Set by sources that store a generation with the item (DynamoDB). */
  generation?: number;
}

export function candidatesFromText(manifest: ManifestText): ReleaseCandidate[] {
  const unread = manifest.problem;
  const decoded: { text: string } | { problem: TextProblem } = unread
    ? { problem: unread }
    : typeof manifest.text === 'string'
      ? { text: manifest.text }
      : decodeManifest(manifest.text);
  if ('problem' in decoded) {
    const { line, column, message, code } = decoded.problem;
    const problems = [{ file: manifest.file, line, column, path: '', message, code }];
    return [{ file: manifest.file, line: Math.max(line, 1), problems, sourceRevision: manifest.sourceRevision }];
  }
  const text = decoded.text;
  const parsed = parseReleases(text, manifest.file);
  // A refused file is not parsed again just to find names.
  const needsName = !parsed.refused && parsed.releases.some((doc) => doc.name === undefined && doc.problems.length > 0);
  const namesByLine = needsName ? readableNames(text) : new Map<number, string>();
  return parsed.releases.map((doc) => {
    const problems = [...doc.problems];
    const name = doc.name ?? namesByLine.get(doc.line);
    if (name === undefined && problems.length === 0) {
      problems.push({ file: manifest.file, line: doc.line, column: 1, path: 'metadata.name', message: 'is required', code: 'schema' });
    }
    return {
      ...(name !== undefined ? { name } : {}),
      file: manifest.file,
      line: doc.line,
      ...(doc.release ? { release: doc.release } : {}),
      problems,
      sourceRevision: manifest.sourceRevision,
    };
  });
}

/** candidatesFromText over many files, letting timers and I/O run between files (lease renewal, health checks). */
export async function candidatesFromTexts(manifests: readonly ManifestText[]): Promise<ReleaseCandidate[]> {
  const candidates: ReleaseCandidate[] = [];
  const budget = new TurnBudget();
  for (const manifest of manifests) {
    candidates.push(...candidatesFromText(manifest));
    await budget.spend(manifest.text.length);
  }
  return candidates;
}

/**
 * metadata.name of each document (by start line), read even from a document with syntax
 * errors, so a typo marks that Release invalid instead of making it vanish under a file name.
 */
function readableNames(text: string): Map<number, string> {
  const lineCounter = new LineCounter();
  const names = new Map<number, string>();
  for (const doc of parseAllDocuments(text, { lineCounter })) {
    const name = doc.getIn(['metadata', 'name']);
    if (typeof name === 'string' && name !== '') names.set(lineCounter.linePos(doc.range?.[0] ?? 0).line, name);
  }
  return names;
}

/** What decides the generation: the spec when valid; the spec and its problems when not. */
export function candidateHash(candidate: Pick<ReleaseCandidate, 'release' | 'problems'>): string {
  if (candidate.problems.length === 0 && candidate.release) return specHash(candidate.release);
  const metadata = candidate.release?.metadata;
  return sha256Hex(
    canonicalJson({
      invalid: candidate.problems.map((p) => [p.code, p.path, p.message]),
      labels: metadata?.labels,
      annotations: metadata?.annotations,
      spec: candidate.release?.spec,
    }),
  );
}

export type GenerationOf = (name: string, candidate: ReleaseCandidate) => number;

export function ledgerGenerations(ledger: GenerationLedger): GenerationOf {
  return (name, candidate) => ledger.generationFor(name, candidateHash(candidate));
}

/**
 * Turns candidates into one SourcedRelease per name, sorted by name. A document without a
 * readable name is identified by its file (`file:line` when the file has several). A name
 * defined more than once makes that Release invalid, with a problem at every definition.
 */
export function assembleReleases(candidates: ReleaseCandidate[], generationOf: GenerationOf): SourcedRelease[] {
  const byName = new Map<string, ReleaseCandidate[]>();
  const unnamedPerFile = new Map<string, number>();
  for (const c of candidates) if (c.name === undefined) unnamedPerFile.set(c.file, (unnamedPerFile.get(c.file) ?? 0) + 1);
  for (const c of candidates) {
    const name = c.name ?? ((unnamedPerFile.get(c.file) ?? 0) > 1 ? `${c.file}:${c.line}` : c.file);
    const group = byName.get(name);
    if (group) group.push(c);
    else byName.set(name, [c]);
  }
  const releases: SourcedRelease[] = [];
  for (const [name, group] of byName) {
    const candidate = group.length === 1 ? group[0]! : mergeDuplicates(name, group);
    releases.push(toSourced(name, candidate, generationOf(name, candidate)));
  }
  return releases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function mergeDuplicates(name: string, group: ReleaseCandidate[]): ReleaseCandidate {
  // A few places per message and a bounded list of problems: thousands of copies of one name
  // must not make output that grows with the square of their number.
  const where = group.slice(0, INPUT_LIMITS.maxPlacesPerMessage + 1).map((c) => `${c.file}:${c.line}`);
  const problems: ManifestProblem[] = [];
  group.forEach((c, i) => {
    const others = listPlaces(where.filter((_, j) => j !== i), group.length - 1);
    problems.push({
      file: c.file,
      line: c.line,
      column: 1,
      path: 'metadata.name',
      message: `${show(name)} is defined more than once (also at ${others})`,
      code: 'duplicate',
    });
    problems.push(...c.problems);
  });
  const merged = [{ problems }];
  capProblems(merged, group[0]!.file);
  const first = group[0]!;
  return { name, file: first.file, line: first.line, problems: merged[0]!.problems, sourceRevision: first.sourceRevision };
}

function toSourced(name: string, c: ReleaseCandidate, generation: number): SourcedRelease {
  const valid = c.problems.length === 0 && c.release !== undefined;
  return {
    name,
    ...(valid ? { release: c.release } : { problems: c.problems }),
    generation,
    sourceRevision: c.sourceRevision,
    location: { file: c.file, line: c.line },
  };
}
