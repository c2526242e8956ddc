// Turns ajv's errors into findings a person understands: one message per mistake, at the field.
//
// The schema's unions are oneOf lists of objects each keyed by its own field (strategy: rolling |
// canary | blueGreen). ajv reports every branch's failure; since each branch only knows its own
// key, an error below `strategy.canary` can only come from the canary branch, so the noise is
// the errors *at* the union's object: "missing rolling", "canary not allowed", "oneOf failed".
// Those are dropped and replaced by one "set exactly one of ..." when the count is wrong.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Anchor, FieldPath } from './locate.js';
import { pointerToPath } from './locate.js';
import { DURATION_PATTERN, explainPattern } from './pattern-help.js';
import type { ManifestProblem } from './problem.js';
import { LATENCY_PATTERN, latencyFix } from './quantity.js';
import { listWords, show, unknownField } from './wording.js';

/** A problem before it is placed in a file. */
export interface Finding {
  path: FieldPath;
  anchor: Anchor;
  message: string;
  code: ManifestProblem['code'];
}

type Schema = Record<string, unknown>;

/** What the schema says about the object at one instance path, learnt from the structural errors. */
interface Shape {
  /** Keys of a oneOf union, one per branch. */
  union?: string[];
  /** Every field some union branch allows. */
  unionFields: Set<string>;
  exactlyOne: string[][];
  atLeastOne: string[][];
  nullable: boolean;
}

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);
const requiredOf = (s: unknown): string[] => (isSchema(s) && Array.isArray(s.required) ? (s.required as string[]) : []);
const propertiesOf = (s: unknown): string[] => (isSchema(s) && isSchema(s.properties) ? Object.keys(s.properties) : []);

function unionKeys(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches) || branches.length < 2) return undefined;
  const lists = branches.map(requiredOf);
  const shared = (lists[0] ?? []).filter((k) => lists.every((l) => l.includes(k)));
  const keys = lists.map((l) => l.filter((k) => !shared.includes(k)));
  return keys.every((k) => k.length === 1) ? keys.map((k) => k[0] as string) : undefined;
}

function learnShapes(errors: ErrorObject[]): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  const at = (path: string): Shape => {
    let shape = shapes.get(path);
    if (!shape) shapes.set(path, (shape = { unionFields: new Set(), exactlyOne: [], atLeastOne: [], nullable: false }));
    return shape;
  };
  for (const e of errors) {
    if (e.keyword === 'oneOf') {
      const keys = unionKeys(e.schema);
      if (!keys) continue;
      const shape = at(e.instancePath);
      shape.union = keys;
      for (const branch of e.schema as unknown[]) for (const field of propertiesOf(branch)) shape.unionFields.add(field);
    } else if (e.keyword === 'if' && isSchema(e.parentSchema)) {
      const { if: cond, then, else: otherwise } = e.parentSchema;
      const a = requiredOf(cond);
      const b = requiredOf(otherwise);
      if (a.length === 1 && b.length === 1) at(e.instancePath).exactlyOne.push([...a, ...b]);
      const any = isSchema(then) && Array.isArray(then.anyOf) ? (then.anyOf as unknown[]) : [];
      if (any.length > 0) at(e.instancePath).atLeastOne.push(any.flatMap(requiredOf));
    } else if (e.keyword === 'anyOf' && Array.isArray(e.schema)) {
      if (e.schema.some((s) => isSchema(s) && s.type === 'null')) at(e.instancePath).nullable = true;
    }
  }
  return shapes;
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let value = root;
  for (const seg of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[seg];
  }
  return value;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return listWords(types.map((t) => TYPE_WORDS[String(t)] ?? String(t)));
}

const isDurationSchema = (s: unknown): boolean => isSchema(s) && s.pattern === DURATION_PATTERN;
const isLatencySchema = (s: unknown): boolean => isSchema(s) && s.pattern === LATENCY_PATTERN;
const durationMessage = (value: unknown): string => `${show(value)} is not a duration (use e.g. 30s, 5m, 1h30m)`;

/** The finding for one ajv error, or undefined when it is noise explained by another finding. */
function explain(e: ErrorObject, path: FieldPath, data: unknown, shape: Shape | undefined): Finding | undefined {
  const p = e.params as Record<string, unknown>;
  const finding = (message: string, anchor: Anchor = 'value', code: Finding['code'] = 'schema', at = path): Finding => ({
    path: at,
    anchor,
    message,
    code,
  });
  if (e.propertyName !== undefined) return explainKey(e, path, p);
  switch (e.keyword) {
    case 'oneOf':
      return shape?.union ? undefined : finding('must match exactly one of the allowed forms');
    case 'if':
    case 'propertyNames':
      return undefined;
    case 'anyOf':
      return shape?.nullable || shape?.atLeastOne.length ? undefined : finding('must match one of the allowed forms');
    case 'not': {
      const banned = requiredOf(e.schema);
      return shape?.exactlyOne.some((pair) => banned.every((k) => pair.includes(k))) ? undefined : finding('is not allowed here');
    }
    case 'required': {
      const field = String(p.missingProperty);
      const grouped =
        shape?.union?.includes(field) ||
        shape?.exactlyOne.some((pair) => pair.includes(field)) ||
        shape?.atLeastOne.some((list) => list.includes(field));
      return grouped ? undefined : finding('missing required field', 'parent', 'schema', [...path, field]);
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      if (shape?.unionFields.has(field)) return undefined;
      const known = shape?.union ? [...shape.unionFields] : propertiesOf(e.parentSchema);
      return finding(unknownField(field, known), 'key', 'schema', [...path, field]);
    }
    case 'type': {
      if (p.type === 'null' && shape?.nullable) return undefined;
      if (isDurationSchema(e.parentSchema)) return finding(durationMessage(data), 'value', 'duration');
      if (isLatencySchema(e.parentSchema) && typeof data === 'number') return finding(latencyFix(String(path.at(-1)), data));
      const also = shape?.union ? ` with exactly one of ${shape.union.join(', ')}` : '';
      return finding(`must be ${typeWords(p.type)}${also} (got ${show(data)})`);
    }
    case 'const':
      return finding(`must be ${show(p.allowedValue)} (got ${show(data)})`);
    case 'enum':
      return finding(`must be one of ${listWords((p.allowedValues as unknown[]).map(show))} (got ${show(data)})`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return finding(`must be ${BOUND_WORDS[e.keyword]} ${String(p.limit)} (got ${show(data)})`);
    case 'minDuration':
      return finding(`must be at least ${String(e.schema)} (got ${show(data)})`, 'value', 'duration');
    case 'maxDuration':
      return finding(`must be at most ${String(e.schema)} (got ${show(data)})`, 'value', 'duration');
    case 'minLength':
      return finding(p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`);
    case 'maxLength':
      if (isDurationSchema(e.parentSchema)) return finding(`${show(data)} is too long for a duration (at most ${String(p.limit)} characters)`, 'value', 'duration');
      return finding(`must be at most ${String(p.limit)} characters long (got ${String((data as string).length)})`);
    case 'minItems':
      return finding(`must list at least ${String(p.limit)} ${p.limit === 1 ? 'entry' : 'entries'}`);
    case 'uniqueItems':
      return finding(`lists ${show(valueAt(data, [Number(p.i)]))} twice`, 'value', 'schema', [...path, Number(p.i)]);
    case 'pattern': {
      const value = String(data);
      if (p.pattern === DURATION_PATTERN) return finding(durationMessage(data), 'value', 'duration');
      return finding(explainPattern(String(p.pattern), value) ?? `${show(value)} does not match ${String(p.pattern)}`);
    }
    case 'format':
      return finding(`${show(data)} is not a valid ${p.format === 'date-time' ? 'date-time such as 2026-02-21T10:15:00Z' : String(p.format)}`);
    case 'false schema':
      return finding('must not be set');
    default:
      return finding(e.message ?? `fails ${e.keyword}`);
  }
}

const BOUND_WORDS: Record<string, string> = {
  minimum: 'at least',
  maximum: 'at most',
  exclusiveMinimum: 'more than',
  exclusiveMaximum: 'less than',
};

/** An error about a key itself (propertyNames), e.g. a label key with a space. */
function explainKey(e: ErrorObject, path: FieldPath, p: Record<string, unknown>): Finding {
  const key = String(e.propertyName);
  const message =
    e.keyword === 'pattern'
      ? (explainPattern(String(p.pattern), key) ?? `key ${show(key)} does not match ${String(p.pattern)}`)
      : e.keyword === 'maxLength'
        ? `key is longer than ${String(p.limit)} characters`
        : `key ${show(key)} is not allowed`;
  return { path: [...path, key], anchor: 'key', message, code: 'schema' };
}

/** Messages for the exactly-one / at-least-one rules, judged on the data itself. */
function groupFindings(instancePath: string, shape: Shape, root: unknown): Finding[] {
  const path = pointerToPath(instancePath, root);
  const data = valueAt(root, path);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const has = (k: string): boolean => k in data;
  const out: Finding[] = [];
  const exactly = (keys: string[]): void => {
    const present = keys.filter(has);
    if (present.length === 1) return;
    const message =
      present.length === 0
        ? `set exactly one of ${keys.join(', ')}`
        : `set exactly one of ${keys.join(', ')}, not ${listWords(present, 'and')}`;
    out.push({ path, anchor: 'key', message, code: 'schema' });
  };
  if (shape.union) exactly(shape.union);
  for (const pair of shape.exactlyOne) exactly(pair);
  for (const list of shape.atLeastOne) {
    if (!list.some(has)) out.push({ path, anchor: 'key', message: `set at least one of ${list.join(', ')}`, code: 'schema' });
  }
  return out;
}

/** One finding per mistake, for the errors ajv reported on `root`. */
export function explainSchemaErrors(errors: ErrorObject[], root: unknown): Finding[] {
  const shapes = learnShapes(errors);
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (f: Finding): void => {
    const key = `${JSON.stringify(f.path)}\u0000${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(f);
  };
  for (const [instancePath, shape] of shapes) groupFindings(instancePath, shape, root).forEach(add);
  for (const e of errors) {
    const path = pointerToPath(e.instancePath, root);
    const finding = explain(e, path, valueAt(root, path), shapes.get(e.instancePath));
    if (finding) add(finding);
  }
  return out;
}
