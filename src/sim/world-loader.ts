// Reads a world file: YAML, validated against schemas/sim-world.schema.json, then checked for
// references that must resolve (a service's task definition and target group, an entry
// point's listener…). Every problem is located by file, line and field.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { formatProblem, type ManifestProblem } from '../api/problem.js';
import { checkTimelineReleases } from './timeline-check.js';
import { checkWorld } from './world-check.js';
import type { SimWorld } from './world.js';

export class WorldError extends Error {
  readonly code = 'InvalidWorld';
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'WorldError';
  }
}

// ajv and ajv-formats are CommonJS: their default export arrives as `.default` under NodeNext.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

let validator: ValidateFunction | undefined;
const DURATION_PATTERN = '^(?:\\d+(?:ms|s|m|h|d))+$';

function schemaPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const candidate = resolve(here, up, 'schemas/sim-world.schema.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('schemas/sim-world.schema.json not found');
}

function validate(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
  addFormats(ajv);
  validator = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object);
  return validator;
}

export async function loadWorld(path: string): Promise<SimWorld> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new WorldError([{ file: path, line: 0, column: 0, path: '', message: `cannot read: ${(err as Error).message}`, code: 'io' }]);
  }
  return parseWorld(text, path);
}

/** Parses and checks world text; `file` locates problems and anchors timeline paths. */
export function parseWorld(text: string, file: string): SimWorld {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    throw new WorldError(doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: e.message, code: 'yaml' })));
  }
  const value: unknown = doc.toJS();
  const locate = (path: (string | number)[]): { line: number; column: number } => at(nodeOffset(doc, path));
  const check = validate();
  if (!check(value)) {
    throw new WorldError(schemaProblems(check.errors ?? [], file, locate));
  }
  const world = value as SimWorld;
  const problems = checkWorld(world, (path, message) => ({ file, ...locate(path), path: fieldPath(path), message, code: 'semantic' }), dirname(file));
  if (problems.length > 0) throw new WorldError(problems);
  for (const entry of world.timeline ?? []) if (entry.apply !== undefined) entry.path = resolve(dirname(file), entry.apply);
  reporters.set(world, (path, message) => ({ file, ...locate(path), path: fieldPath(path), message, code: 'semantic' }));
  return world;
}

type Reporter = (path: (string | number)[], message: string) => ManifestProblem;

/** Locates problems found after loading (the timeline's Release names), by the world's file. */
const reporters = new WeakMap<SimWorld, Reporter>();

/**
 * Throws a WorldError naming file, line and field when the timeline deletes, restores or
 * operates on a Release that is neither among `initial` nor applied earlier in the timeline.
 */
export function checkWorldReleases(world: SimWorld, initial: Iterable<string>): void {
  const report: Reporter = reporters.get(world) ?? ((path, message) => ({ file: 'world', line: 0, column: 0, path: fieldPath(path), message, code: 'semantic' }));
  const problems = checkTimelineReleases(world, initial, report);
  if (problems.length > 0) throw new WorldError(problems);
}

/** Offset of the deepest node along the path: a field's key when it has one, else the value. */
function nodeOffset(doc: Document, path: (string | number)[]): number {
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      const key = pair?.key as { range?: [number, number, number] } | undefined;
      if (key?.range) return key.range[0];
    }
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return node.range[0];
  }
  return isMap(doc.contents) && doc.contents.range ? doc.contents.range[0] : 0;
}

/** `['services', 0, 'taskDefinition']` → `services[0].taskDefinition`. */
export function fieldPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function schemaProblems(errors: ErrorObject[], file: string, locate: (path: (string | number)[]) => { line: number; column: number }): ManifestProblem[] {
  // Conditional branches (if/then, allOf) repeat what the specific errors say.
  const useful = errors.filter((e) => !['if', 'allOf', 'oneOf', 'anyOf'].includes(e.keyword));
  const seen = new Set<string>();
  const problems: ManifestProblem[] = [];
  for (const e of useful.length > 0 ? useful : errors) {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
    let field = path;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      field = [...path, (e.params as { missingProperty: string }).missingProperty];
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      field = [...path, (e.params as { additionalProperty: string }).additionalProperty];
      message = 'is not a known field';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(e.data)})`;
    } else if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === DURATION_PATTERN) {
      message = `must be a duration such as 30s, 5m, 1h30m (got ${JSON.stringify(e.data)})`;
    } else if (['pattern', 'type', 'minimum', 'maximum'].includes(e.keyword)) {
      message = `${message} (got ${JSON.stringify(e.data)})`;
    }
    const key = `${fieldPath(field)}: ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, ...locate(field), path: fieldPath(field), message, code: 'schema' });
  }
  return problems;
}
