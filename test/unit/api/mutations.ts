// Invalid manifests made from the examples, each with the problem it must produce.
//
// Every mutation edits the example as a YAML document and marks the node the problem must point
// at with a comment (`# @here`); the expected line is where that comment lands in the text, so
// it is found without the code under test. Expected field paths come from the mutation itself.
import { readFileSync, readdirSync } from 'node:fs';
import { isMap, isScalar, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';

export const EXAMPLES_DIR = new URL('../../../manifests/examples/', import.meta.url);
const SCHEMA = JSON.parse(readFileSync(new URL('../../../schemas/release.schema.json', import.meta.url), 'utf8')) as Schema;

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Path = (string | number)[];
type Code = 'yaml' | 'schema' | 'duration' | 'semantic' | 'duplicate';

export interface InvalidManifest {
  name: string;
  file: string;
  text: string;
  expect: { path: string; line: number; column?: number; code?: Code; message?: RegExp };
}

/** Column (1-based) of the value on a `key: value` or `- value` line. */
function valueColumn(line: string): number {
  const colon = line.indexOf(': ');
  return colon >= 0 ? colon + 3 : line.indexOf('- ') + 3;
}

/** Column (1-based) of the key on a `key: value` or `- key: value` line. */
function keyColumn(line: string): number {
  const m = /^(\s*(?:- )*)/.exec(line);
  return (m?.[1]?.length ?? 0) + 1;
}

const MARK = '@here';

export function examples(): { file: string; text: string }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `manifests/examples/${f}`, text: readFileSync(new URL(f, EXAMPLES_DIR), 'utf8') }));
}

/** `spec.health.conditions[0].failFor`, `labels["app.kubernetes.io/name"]`: written independently of src/api/locate.ts. */
export function pathText(path: Path): string {
  return path
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (!/^[A-Za-z_$][\w$-]*$/.test(s)) return `[${JSON.stringify(s)}]`;
      return i === 0 ? s : `.${s}`;
    })
    .join('');
}

// ------------------------------------------------------------------ schema walking (for expectations)

function resolve(schema: Schema): Schema {
  let s = schema;
  while (typeof s.$ref === 'string') {
    const { $ref, ...rest } = s;
    s = { ...SCHEMA.$defs[String($ref).split('/').pop() as string], ...rest };
  }
  return s;
}

/** Keys of a oneOf union (one required key per branch), if the schema is one. */
function unionKeys(schema: Schema): string[] | undefined {
  const s = resolve(schema);
  if (!Array.isArray(s.oneOf)) return undefined;
  const lists: string[][] = s.oneOf.map((b: Schema) => b.required as string[]);
  const shared = (lists[0] ?? []).filter((k) => lists.every((l) => l.includes(k)));
  return lists.map((l) => l.find((k) => !shared.includes(k)) as string);
}

function branch(schema: Schema, data: unknown): Schema {
  const s = resolve(schema);
  const keys = unionKeys(s);
  if (!keys || data === null || typeof data !== 'object') return s;
  const i = keys.findIndex((k) => k in (data as object));
  return i >= 0 ? resolve(s.oneOf[i]) : s;
}

function schemaAt(path: Path, root: unknown): Schema {
  let s: Schema = SCHEMA;
  let data = root;
  for (const seg of path) {
    const b = branch(s, data);
    s = typeof seg === 'number' ? b.items : (b.properties?.[seg] ?? b.additionalProperties);
    data = (data as Record<string | number, unknown>)[seg];
  }
  return resolve(s);
}

// ------------------------------------------------------------------ document editing

interface Example {
  file: string;
  text: string;
  data: unknown;
}

function load(text: string): Document {
  const doc = parseDocument(text);
  // Block style everywhere, so a marker comment can follow any node.
  visit(doc, { Map: (_, n) => void (n.flow = false), Seq: (_, n) => void (n.flow = false) });
  return doc;
}

function lineOfMark(text: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(`# ${MARK}`) || l.includes(`#${MARK}`));
  if (index < 0) throw new Error(`marker lost in:\n${text}`);
  return index + 1;
}

function pairAt(doc: Document, path: Path): Pair<Scalar, Node> | undefined {
  const parent = doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  return (parent as YAMLMap<Scalar, Node>).items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
}

/**
 * Marks where a problem about the object at `path` points: its key, or its first key for a list
 * item. Returns how many lines below the marker that is (an emptied `- {}` takes its comment on
 * the line before).
 */
function markObject(doc: Document, path: Path): number {
  const last = path[path.length - 1];
  if (path.length > 0 && typeof last === 'string') {
    const pair = pairAt(doc, path);
    if (pair) pair.key.comment = ` ${MARK}`;
    return 0;
  }
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  const first = isMap(node) ? (node.items[0] as Pair<Scalar> | undefined) : undefined;
  if (first && isScalar(first.key)) {
    first.key.comment = ` ${MARK}`;
    return 0;
  }
  (node as Node).commentBefore = ` ${MARK}`;
  return 1;
}

function markValue(node: Node): void {
  node.comment = ` ${MARK}`;
}

function setValue(doc: Document, path: Path, value: unknown): void {
  const node = doc.createNode(value) as Node;
  markValue(node);
  doc.setIn(path, node);
}

/** `edit` changes the document and marks the expected place; it may return the marker's line offset. */
function build(
  ex: Example,
  name: string,
  expect: Omit<InvalidManifest['expect'], 'line'>,
  edit: (doc: Document) => number | void,
  columnOf?: (line: string) => number,
): InvalidManifest {
  const doc = load(ex.text);
  const below = edit(doc) ?? 0;
  const text = doc.toString();
  const line = lineOfMark(text) + below;
  const column = columnOf?.(text.split('\n')[line - 1] ?? '');
  return { name: `${ex.file}: ${name}`, file: ex.file, text, expect: { ...expect, line, ...(column ? { column } : {}) } };
}

// ------------------------------------------------------------------ walking the example data

interface Place {
  path: Path;
  value: unknown;
}

function places(value: unknown, path: Path = []): Place[] {
  const here: Place[] = path.length > 0 ? [{ path, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => places(v, [...path, i]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => places(v, [...path, k]))];
  }
  return here;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const ARN_SAMPLES = {
  targetgroup: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/0123456789abcdef',
  listener: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/other-alb/0123456789abcdef/0123456789abcdef',
  'listener-rule':
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/other-alb/0123456789abcdef/0123456789abcdef/0123456789abcdef',
};

function leafMutations(ex: Example, { path, value }: Place): InvalidManifest[] {
  const s = schemaAt(path, ex.data);
  const p = pathText(path);
  const out: InvalidManifest[] = [];
  const wrong = (name: string, v: unknown, code: Code = 'schema', message?: RegExp): void => {
    out.push(build(ex, `${p} ${name}`, { path: p, code, ...(message ? { message } : {}) }, (doc) => setValue(doc, path, v), valueColumn));
  };
  if (!Array.isArray(s.type)) {
    const replacement = s.type === 'string' || s.type === undefined ? 12345 : 'not-a-' + String(s.type);
    const isDuration = s.pattern === SCHEMA.$defs.duration.pattern;
    wrong('has the wrong type', replacement, isDuration ? 'duration' : 'schema');
  }
  if (typeof s.maximum === 'number') wrong('is above its maximum', s.maximum + 1, 'schema', /at most/);
  if (typeof s.minimum === 'number') wrong('is below its minimum', s.minimum - 1, 'schema', /at least/);
  if (s.pattern === SCHEMA.$defs.duration.pattern) {
    for (const bad of ['2 minutes', '5', '1.5m', '10 s', '-5m']) wrong(`is the duration ${JSON.stringify(bad)}`, bad, 'duration', /is not a duration/);
  } else if (typeof s.pattern === 'string') {
    wrong('does not match its pattern', 'Not Valid!');
    for (const [kind, arn] of Object.entries(ARN_SAMPLES)) {
      const expected = s.pattern.includes(`:${kind}/`);
      const isArnField = /:(targetgroup|listener|listener-rule)\//.test(String(value));
      if (isArnField && !expected) wrong(`is a ${kind} ARN`, arn, 'schema', /expected/);
    }
  }
  if (Array.isArray(s.enum)) wrong('is not one of its values', 'Bogus', 'schema', /must be one of/);
  return out;
}

function objectMutations(ex: Example, { path, value }: Place): InvalidManifest[] {
  if (!isObject(value)) return [];
  const s = branch(schemaAt(path, ex.data), value);
  const p = pathText(path);
  const out: InvalidManifest[] = [];
  const union = unionKeys(schemaAt(path, ex.data));
  if (s.additionalProperties === false) {
    const typo = `${Object.keys(value)[0] ?? 'field'}x`;
    out.push(
      build(ex, `${p} has the unknown field ${typo}`, { path: pathText([...path, typo]), code: 'schema', message: /unknown field/ }, (doc) => {
        const key = doc.createNode(typo) as Scalar;
        markValue(key);
        (doc.getIn(path, true) as YAMLMap).set(key, 1);
      }, keyColumn),
    );
  }
  const pairs: string[][] = [s, ...(s.allOf ?? [])]
    .filter((x: Schema) => x.if?.required && x.else?.required)
    .map((x: Schema) => [...x.if.required, ...x.else.required]);
  const atLeastOne: string[] = (s.allOf ?? []).flatMap((x: Schema) => (x.then?.anyOf ?? []).flatMap((a: Schema) => a.required));
  for (const key of Object.keys(value)) {
    const inPair = pairs.some((pair) => pair.includes(key));
    const lastOfList = atLeastOne.includes(key) && atLeastOne.filter((k) => k in value).length === 1;
    let expectPath: string | undefined;
    if (union?.includes(key) || inPair || lastOfList) expectPath = p;
    else if ((s.required ?? []).includes(key)) expectPath = pathText([...path, key]);
    if (expectPath === undefined) continue;
    out.push(
      build(ex, `${p} lacks ${key}`, { path: expectPath, code: 'schema' }, (doc) => {
        doc.deleteIn([...path, key]);
        return markObject(doc, path);
      }),
    );
  }
  // Both of an exactly-one pair, or two members of a union.
  const alternatives = union ?? pairs.flat();
  const present = alternatives.filter((k) => k in value);
  const absent = alternatives.find((k) => !(k in value));
  if (present.length === 1 && absent) {
    out.push(
      build(ex, `${p} sets both ${present[0]} and ${absent}`, { path: p, code: 'schema', message: /exactly one of/ }, (doc) => {
        (doc.getIn(path, true) as YAMLMap).set(absent, doc.createNode(value[present[0] as string]));
        return markObject(doc, path);
      }),
    );
  }
  return out;
}

function containerMutations(ex: Example, { path, value }: Place): InvalidManifest[] {
  if (value === null || typeof value !== 'object') return [];
  const s = schemaAt(path, ex.data);
  if (s.type === undefined && !s.oneOf) return [];
  const p = pathText(path);
  const what = Array.isArray(value) ? 'a list' : 'a mapping';
  return [build(ex, `${p} is a string instead of ${what}`, { path: p, code: 'schema' }, (doc) => setValue(doc, path, 'oops'), valueColumn)];
}

// ------------------------------------------------------------------ broken YAML, names, semantics

function yamlMutations(ex: Example): InvalidManifest[] {
  const lines = ex.text.split('\n');
  const out: InvalidManifest[] = [];
  lines.forEach((line, i) => {
    if (!/^\s+[A-Za-z]+: [A-Za-z0-9]/.test(line) || line.includes('{') || line.includes('[')) return;
    const at = i + 1;
    const variants: [string, string[], number][] = [
      ['a duplicated key', [...lines.slice(0, at), line, ...lines.slice(at)], at + 1],
      ['a tab as indentation', lines.map((l, k) => (k === i ? l.replace(/^ +/, '\t') : l)), at],
      ['a nested mapping on one line', lines.map((l, k) => (k === i ? l.replace(/: (\S+)/, ': $1: x: y') : l)), at],
    ];
    for (const [what, text, expectLine] of variants) {
      out.push({ name: `${ex.file}:${at} has ${what}`, file: ex.file, text: text.join('\n'), expect: { path: '', line: expectLine, code: 'yaml' } });
    }
  });
  return out;
}

function duplicateNames(all: Example[]): InvalidManifest[] {
  const out: InvalidManifest[] = [];
  for (const a of all) {
    for (const b of all) {
      const first = load(a.text);
      const second = load(b.text);
      second.setIn(['metadata', 'name'], first.getIn(['metadata', 'name']));
      const text = `${first.toString()}---\n${second.toString()}`;
      const lines = text.split('\n');
      const nameLines = lines.flatMap((l, i) => (/^ {2}name: /.test(l) ? [i + 1] : []));
      for (const line of nameLines) {
        out.push({
          name: `${a.file} + ${b.file}: duplicate name, line ${line}`,
          file: a.file,
          text,
          expect: { path: 'metadata.name', line, column: valueColumn(lines[line - 1] ?? ''), code: 'duplicate' },
        });
      }
    }
  }
  return out;
}

function semanticMutations(ex: Example): InvalidManifest[] {
  const out: InvalidManifest[] = [];
  const add = (name: string, path: Path, edit: (doc: Document) => void): void => {
    out.push(build(ex, name, { path: pathText(path), code: 'semantic' }, edit, valueColumn));
  };
  const get = (path: Path): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], ex.data);
  for (const { path, value } of places(ex.data)) {
    const last = path[path.length - 1];
    if (isObject(value) && typeof value.blue === 'string' && typeof value.green === 'string') {
      add(`${pathText(path)}: green equals blue`, [...path, 'green'], (doc) => setValue(doc, [...path, 'green'], value.blue));
    }
    if (typeof value === 'string' && /^arn:aws:elasticloadbalancing:us-east-1:/.test(value)) {
      add(`${pathText(path)} in another region`, path, (doc) => setValue(doc, path, value.replace('us-east-1', 'eu-west-1')));
    }
    if (last === 'failFor') add(`${pathText(path)} shorter than the interval`, path, (doc) => setValue(doc, path, '1s'));
    // Only an http check's timeout is bounded by the interval (a job's is its own run time).
    if (last === 'timeout' && path.at(-2) === 'http') add(`${pathText(path)} longer than the interval`, path, (doc) => setValue(doc, path, '4m'));
    if (path.at(-2) === 'conditions' && path.at(-3) === 'analysis') {
      add(`${pathText(path)} names no condition`, path, (doc) => setValue(doc, path, 'nosuch'));
    }
  }
  const conditions = (get(['spec', 'health', 'conditions']) ?? []) as { name: string }[];
  if (conditions.length >= 2) {
    const at = ['spec', 'health', 'conditions', 1, 'name'];
    add('two conditions share a name', at, (doc) => setValue(doc, at, conditions[0]?.name));
  }
  const steps = get(['spec', 'strategy', 'canary', 'steps']) as object[] | undefined;
  if (steps) {
    const lastWeight = steps.map((s) => 'setWeight' in s).lastIndexOf(true);
    const at = ['spec', 'strategy', 'canary', 'steps', lastWeight, 'setWeight'];
    add('the last setWeight is not 100', at, (doc) => setValue(doc, at, 50));
  }
  if (get(['spec', 'strategy', 'rolling'])) {
    conditions.forEach((c, i) => {
      if (!('metric' in c)) return;
      const at = ['spec', 'health', 'conditions', i, 'metric', 'maxIncrease'];
      add('a rolling Release compares with a baseline', at, (doc) => setValue(doc, at, isLatency(c) ? '50ms' : 1));
    });
  }
  return out;
}

const isLatency = (condition: object): boolean =>
  'metric' in condition && isObject(condition.metric) && ['latencyP95', 'latencyP99'].includes(String(condition.metric.builtin));

/** A latency threshold written as a bare number: refused with the fix, at the field. */
function unitMutations(ex: Example): InvalidManifest[] {
  const conditions = ((ex.data as { spec?: { health?: { conditions?: object[] } } }).spec?.health?.conditions ?? []);
  return conditions.flatMap((c, i) => {
    if (!isLatency(c)) return [];
    const metric = (c as { metric: Record<string, unknown> }).metric;
    return (['max', 'min', 'maxIncrease'] as const)
      .filter((field) => field in metric)
      .map((field) => {
        const at = ['spec', 'health', 'conditions', i, 'metric', field];
        const expect = { path: pathText(at), code: 'schema' as const, message: new RegExp(`^0\\.4 has no unit; .* write ${field}: 400ms$`) };
        return build(ex, `${pathText(at)} without its unit`, expect, (doc) => setValue(doc, at, 0.4), valueColumn);
      });
  });
}

/** Every invalid manifest made from the examples. */
export function invalidManifests(): InvalidManifest[] {
  const all: Example[] = examples().map((e) => ({ ...e, data: parseDocument(e.text).toJS() }));
  return [
    ...all.flatMap((ex) => {
      const list = places(ex.data);
      return [
        ...list.filter((pl) => pl.value === null || typeof pl.value !== 'object').flatMap((pl) => leafMutations(ex, pl)),
        ...objectMutations(ex, { path: [], value: ex.data }),
        ...list.flatMap((pl) => objectMutations(ex, pl)),
        ...list.flatMap((pl) => containerMutations(ex, pl)),
        ...yamlMutations(ex),
        ...semanticMutations(ex),
        ...unitMutations(ex),
      ];
    }),
    ...duplicateNames(all),
  ];
}
