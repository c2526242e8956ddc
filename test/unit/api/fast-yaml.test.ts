import { readFileSync, readdirSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastNameAt, fastRead } from '../../../src/api/fast-yaml.js';
import { parseReleases } from '../../../src/api/load.js';
import { locate } from '../../../src/api/locate.js';
import { examples, invalidManifests } from './mutations.js';
import { generatedTexts, mutatedExamples } from './yaml-texts.js';

interface Read {
  value: unknown;
  line: number;
  nameAt?: { line: number; column: number };
}

const nameOf = (value: unknown): unknown => (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;

/** What the `yaml` library (the full way of parseReleases) makes of a text: each non-empty document's value, line and name position. */
function reference(text: string): Read[] | 'problem' {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  if (list.some((d) => d.errors.length > 0)) return 'problem';
  try {
    return list
      .map((doc) => ({ doc, value: doc.toJS() as unknown }))
      .filter(({ value }) => value !== null && value !== undefined)
      .map(({ doc, value }) => ({
        value,
        line: lineCounter.linePos(doc.contents?.range?.[0] ?? 0).line,
        ...(typeof nameOf(value) === 'string' ? { nameAt: locate(doc, lineCounter, ['metadata', 'name'], 'value') } : {}),
      }));
  } catch {
    return 'problem'; // too many aliases
  }
}

/** What the fast way makes of it; a name position only where it finds one (parseReleases takes the full way otherwise). */
function fast(text: string): Read[] | undefined {
  const read = fastRead(text);
  return read?.docs.map((doc) => {
    const name = nameOf(doc.value);
    const nameAt = typeof name === 'string' ? fastNameAt(read, doc, name) : undefined;
    return { value: doc.value, line: doc.line, ...(nameAt ? { nameAt } : {}) };
  });
}

/** Fails unless the fast way, when it reads the text at all, reads it as `yaml` does. */
function expectSameAsYaml(text: string): void {
  const read = fast(text);
  if (read === undefined) return;
  const ref = reference(text);
  expect(ref, 'yaml reports a problem in a text read the fast way').not.toBe('problem');
  const comparable = (ref as Read[]).map((r, i) => {
    if (read[i]?.nameAt !== undefined) return r;
    const { nameAt: _, ...rest } = r;
    return rest;
  });
  expect(read).toStrictEqual(comparable);
}

const fixtures = readdirSync(new URL('../../fixtures/manifests/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ name: f, text: readFileSync(new URL(`../../fixtures/manifests/${f}`, import.meta.url), 'utf8') }));

// YAML 1.1 readers (and js-yaml's own schemas) give some of these other values; the fast way
// must give what `yaml` gives under YAML 1.2 core.
const scalarCases: [string, string, Record<string, unknown>][] = [
  ['YAML 1.1 booleans are strings', 'a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: Yes\n', { a: 'yes', b: 'no', c: 'on', d: 'off', e: 'y', f: 'n', g: 'Yes' }],
  ['1.2 booleans and nulls', 'a: True\nb: FALSE\nc: tRue\nd: ~\ne: Null\nf:\ng: nULL\n', { a: true, b: false, c: 'tRue', d: null, e: null, f: null, g: 'nULL' }],
  ['octal needs 0o; a leading 0 is decimal', 'a: 0o17\nb: 017\nc: 08\nd: 007\n', { a: 15, b: 17, c: 8, d: 7 }],
  ['binary and signed hex or octal are strings', 'a: 0b101\nb: -0x1F\nc: +0o7\nd: 0x1F\ne: 0xz\n', { a: '0b101', b: '-0x1F', c: '+0o7', d: 31, e: '0xz' }],
  ['timestamps and sexagesimal numbers are strings', 'a: 2024-01-01\nb: 2001-12-14t21:59:43.10-05:00\nc: 12:30:00\nd: 1:20\n', { a: '2024-01-01', b: '2001-12-14t21:59:43.10-05:00', c: '12:30:00', d: '1:20' }],
  ['floats in every form', 'a: -.5\nb: +.5\nc: 1e999\nd: .NaN\ne: -.inf\nf: 1.\ng: 1.50\nh: 1e3\ni: -0.0\n', { a: -0.5, b: 0.5, c: Infinity, d: NaN, e: -Infinity, f: 1, g: 1.5, h: 1000, i: -0 }],
  ['integers keep their sign, even zero', 'a: -0\nb: +12\nc: 18446744073709551616\nd: 1_000\n', { a: -0, b: 12, c: 2 ** 64, d: '1_000' }],
  ['a number too long to be finite is Infinity', `a: ${'9'.repeat(400)}\n`, { a: Infinity }],
  ['<< is a plain key, not a merge', 'base: {a: 1}\nx:\n  <<: {b: 2}\n  c: 3\n', { base: { a: 1 }, x: { '<<': { b: 2 }, c: 3 } }],
  ['keys that look like numbers or booleans', '1: a\n1.50: b\n-0: c\ntrue: d\n0x10: e\n', { '1': 'a', '1.5': 'b', '0': 'c', true: 'd', '16': 'e' }],
];

// Each is valid YAML (or a problem to locate) that js-yaml reads differently from `yaml`, or
// that the fast way cannot place; all must take the full way.
const leftToYaml: [string, string][] = [
  ['an alias', 'a: &x 1\nb: *x\n'],
  ['an anchor', 'a: &x 1\n'],
  ['a tag', 'a: !!str 1\n'],
  ['the non-specific tag', 'a: ! 1\n'],
  ['a YAML 1.1 directive, under which yes is true', '%YAML 1.1\n---\na: yes\n'],
  ['a document end marker', 'a: 1\n...\n'],
  ['an explicit key', '? a\n: 1\n'],
  ['an empty key', 'a: {: x}\n'],
  ['a null key (yaml makes it "", js-yaml "null")', 'a: {~: x}\nnull: y\n'],
  ['a collection as a key', '[a, b]: x\n'],
  ['a multi-line double-quoted scalar', 'k:\n  a: "multi\n line"\n'],
  ['a multi-line single-quoted scalar', "k:\n  a: 'multi\n line'\n"],
  ['a multi-line flow sequence', 'k:\n  a: [1,\n  2]\n'],
  ['a multi-line flow mapping', 'a: {b: 1\n}\n'],
  ['a comment run into a closing quote', 'a: "x"#c\n'],
  ['a comment run into a closing bracket', 'a: [x]#c\n'],
  ['an empty sequence entry', '- a:\n  - 1\n  -\n- b\n'],
  ['an empty sequence entry with a comment', '- a:\n  - x\n  - # c\n- b\n'],
  ['a key longer than 1024 characters', `${'k'.repeat(1100)}: v\n`],
  ['a tab', 'a:\tx\n'],
  ['a byte-order mark', '\ufeffa: 1\n'],
  ['a lone carriage return', 'a:\r  b: 1\n'],
  ['--- run into a key', '---a: 1\n'],
  ['content on the --- line', '--- {a: 1}\n'],
  ['nesting deeper than js-yaml allows', `a: ${'['.repeat(150)}${']'.repeat(150)}\n`],
  ['a "billion laughs" document', ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n')],
];

const edges: string[] = [
  ...scalarCases.map(([, text]) => text),
  ...leftToYaml.map(([, text]) => text),
  "a: 'it''s'\nb: \"double # not a comment\"\nc: plain # a comment\nd: a#b\ne: x:y\nf: 'x' # c\n",
  'a: {b: 1, c: [x, y, "z"], d: {}}\ne: []\nf: [a b, c]\ng: {url: https://x.example/a?b=c}\n',
  'a:\n- x\n- y\nb:\n  - {c: 1}\n  -\n    d: 2\n  - last\nc: after\n',
  'a: |\n  block\n   more\n\n  end\nb: >\n  folded\n  text\n\n   more\n  last\nc: |-\n  x\nd: >+\n  y\n\ne: |2\n   z\n',
  'a: |\r\n  x\r\n  y\r\n', 'a: x\r\n  y\r\n', 'a: 1\r\n---\r\nb: 2\r\n', 'a: multi\n  line\n', 'a: multi\n\n  line\n',
  'a: "esc\\n\\t\\x41\\u00e9\\U0001F600\\/\\ \\_\\N\\L\\P\\0\\a\\b\\e\\f\\r\\v\\"\\\\"\n', 'a: "bad \\q"\n', 'a: x\u2028y\n', '# c\u2028\na: 1\n',
  '__proto__: 1\n', 'a:\n  __proto__: {b: 1}\n', 'toString: 1\n', '1: a\n"1": b\n', 'a: 1\na: 2\n', 'a:\n  b: 1\n c: 2\n',
  '  indented: root\n', '- a\n- b\n', 'just a scalar\n', 'a: b: c\n', 'a: "x"y\n', 'a: [1, 2,]\n', 'a: [b: 1]\n', 'a: -\n',
  '--- # start\na: 1\n', '---\n---\na: 1\n---\n# only a comment\n', 'a: x\n---\n\n# c\nb: y\n---\n   \n---\nc: z', '# c\n---\na: 1\n',
  'metadata: {name: flow-name}\n', 'metadata:\n  name: "quoted-name"\n', "metadata:\n  name: 'quoted'\n", 'metadata:\n  name:\n    next-line\n',
  'metadata:\n  name: x # c\n', 'metadata:\n  labels: {name: y}\n  name: x\n', 'metadata:\n    name: deep\n', 'metadata: # c\n  name: x\n',
  '"metadata":\n  "name": x\n', 'metadata:\n  annotations:\n    a: |\n      name: fake\n  name: x\n', 'metadata:\n  # name: old\n  name: x\n',
  'spec:\n  metadata:\n    name: y\nmetadata:\n  name: x\n', '  metadata:\n    name: x\n  spec: 1\n', 'metadata:\n  name: "a\\u0062"\n',
];

describe('the fast YAML reader', () => {
  const corpus = [
    ...examples().map((e) => ({ name: e.file, text: e.text })),
    ...fixtures,
    ...edges.map((text) => ({ name: JSON.stringify(text).slice(0, 100), text })),
    ...invalidManifests().map((c) => ({ name: c.name, text: c.text })),
  ];

  it.each(corpus.map((c) => [c.name, c.text] as const))('reads %s exactly as yaml does, or leaves it to yaml', (_, text) => {
    expectSameAsYaml(text);
  });

  it('reads every example, name position included (so validating them takes the fast way)', () => {
    for (const { file, text } of examples()) {
      const read = fast(text);
      expect(read, file).toBeDefined();
      expect(read?.every((doc) => doc.nameAt !== undefined), file).toBe(true);
    }
  });

  it('reads nearly every text of the corpus that yaml reads without a problem', () => {
    const clean = corpus.filter((c) => reference(c.text) !== 'problem' && !edges.includes(c.text));
    const read = clean.filter((c) => fastRead(c.text) !== undefined);
    expect(clean.length).toBeGreaterThan(500);
    expect(read.length / clean.length).toBeGreaterThan(0.95);
  });

  it.each(scalarCases)('reads plain scalars as YAML 1.2 core, as yaml does: %s', (_, text, want) => {
    expect(fastRead(text)?.docs.map((d) => d.value)).toStrictEqual([want]);
    expect(parseAllDocuments(text).map((d) => d.toJS() as unknown)).toStrictEqual([want]);
  });

  it.each(leftToYaml)('leaves %s to yaml', (_, text) => {
    expect(fastRead(text)).toBeUndefined();
  });

  it('gives each document the line of its first node, past separators, comments and empty documents', () => {
    const text = '# head\n\n---\n---\n# about a\na: 1\n--- # next\n\n  b: 2\n---\n# nothing\n---\r\nc: 3\r\n';
    expect(fastRead(text)?.docs.map((d) => [d.line, d.value])).toEqual([
      [6, { a: 1 }],
      [9, { b: 2 }],
      [13, { c: 3 }],
    ]);
    expectSameAsYaml(text);
  });

  it('finds metadata.name where it is written in block style, quoted or not', () => {
    const text = 'kind: Release\nmetadata:\n  labels:\n    name: other\n  name: "web"  # the name\nspec:\n  name: web\n';
    const read = fastRead(text);
    const doc = read?.docs[0];
    expect(read && doc && fastNameAt(read, doc, 'web')).toEqual({ line: 5, column: 9 });
    expectSameAsYaml(text);
  });

  it('leaves a name written any other way to yaml, which still places it', () => {
    const valid = examples()[0]?.text ?? '';
    const data = parseAllDocuments(valid)[0]?.toJS() as { metadata: unknown };
    const written = [
      valid.replace(/^( {2}name:) ([\w-]+)/m, '$1\n    $2'), // on the line below its key
      valid.replace(/^metadata:\n(?: {2}.*\n)+/m, `metadata: ${JSON.stringify(data.metadata)}\n`), // in flow style
    ];
    for (const text of written) {
      expect(text).not.toBe(valid);
      const read = fastRead(text);
      const doc = read?.docs[0];
      expect(doc?.value).toEqual(data);
      expect(read && doc && fastNameAt(read, doc, nameOf(doc.value) as string)).toBeUndefined();
      const parsed = parseReleases(text, 'x.yaml').releases;
      expect(parsed.map((r) => [r.problems, r.nameAt])).toEqual([[[], (reference(text) as Read[])[0]?.nameAt]]);
    }
  });

  it('reads generated and mutated texts exactly as yaml does, or leaves them to yaml', () => {
    const texts = [...generatedTexts(1500), ...mutatedExamples(1500)];
    let read = 0;
    for (const text of texts) {
      try {
        expectSameAsYaml(text);
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nin ${JSON.stringify(text)}`);
      }
      if (fastRead(text)) read++;
    }
    expect(read).toBeGreaterThan(texts.length / 10); // the comparison is not vacuous
  });
});
