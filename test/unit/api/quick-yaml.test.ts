import { readFileSync, readdirSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { locate } from '../../../src/api/locate.js';
import { quickParse } from '../../../src/api/quick-yaml.js';
import { examples, invalidManifests } from './mutations.js';

/** What the `yaml` library makes of a text: each non-empty document's value, first line and name position. */
function reference(text: string) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  if (list.some((d) => d.errors.length > 0)) return 'errors';
  return list
    .map((doc) => ({ doc, value: doc.toJS() as unknown }))
    .filter(({ value }) => value !== null && value !== undefined)
    .map(({ doc, value }) => {
      const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
      const hasName = name !== undefined && (name === null || typeof name !== 'object');
      return {
        value,
        line: lineCounter.linePos(doc.contents?.range?.[0] ?? 0).line,
        ...(hasName ? { nameAt: locate(doc, lineCounter, ['metadata', 'name'], 'value') } : {}),
      };
    });
}

const fixtures = readdirSync(new URL('../../fixtures/manifests/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ name: f, text: readFileSync(new URL(`../../fixtures/manifests/${f}`, import.meta.url), 'utf8') }));

// Texts meant to probe the edges of the plain subset; each is either read exactly as `yaml` reads it or left to `yaml`.
const edges: string[] = [
  'a: 1\nb: -1\nc: +2\nd: 1.5\ne: .5\nf: 1.\ng: 007\nh: -0\ni: 12345678901234567890\nj: 1.50\nk: -5m\nl: 5m\n',
  'h: 1e3\n',
  'i: .inf\n',
  'j: 0x1F\n',
  'k: 0o17\n',
  'a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: ~\nh: null\ni: Null\nj:\nk: ""\nl: \'\'\n',
  "a: 'it''s'\nb: \"double # not a comment\"\nc: plain # a comment\nd: a#b\ne: x:y\nf: 'x' # c\n",
  'a: {b: 1, c: [x, y, "z"], d: {}}\ne: []\nf: [a b, c]\ng: {url: https://x.example/a?b=c}\n',
  'a:\n- x\n- y\nb:\n  - {c: 1}\n  -\n    d: 2\n  -\n  - # empty\n  - last\nc: after\n',
  'a:\n  - - nested\n',
  'list:\n  - name: one\n    value: 1\n  -   name: two\n      value: 2\n',
  'a: |\n  block\nb: >\n  folded\n',
  'a: &anchor 1\nb: *anchor\n',
  'a: !!str 1\n',
  '? complex\n: key\n',
  'a: multi\n  line\n',
  'a: "multi\n  line"\n',
  'a: 1\na: 2\n',
  'a:\n  b: 1\n c: 2\n',
  '  indented: root\n',
  '- a\n- b\n',
  'just a scalar\n',
  '%YAML 1.2\n---\na: 1\n',
  '--- # start\na: 1\n',
  'a: 1\n...\n',
  'a: 1\r\nb: 2\r\n',
  'a: b: c\n',
  'a: [1, 2,]\n',
  'a: {b: 1,}\n',
  'a: [b: 1]\n',
  '__proto__: 1\n',
  '1: one\ntrue: yes\n',
  '"quoted key": 1\n"with: colon": 2\n',
  '"a\\"b": 2\n',
  'a: "esc\\n"\n',
  'a: -\n',
  'a: - b\n',
  'a:   spaced   \n',
  'a: "x"y\n',
  'a: [x]y\n',
  'a: {b: 1} # c\n',
  'a: [x, [y, z], {k: v}]\n',
  'a:\n\n  # comment inside\n  b: 1\n\n',
  '---\n---\na: 1\n---\n# only a comment\n',
  'metadata: {name: flow-name}\n',
  'metadata:\n  name: "quoted-name"\n',
  'metadata:\n  name:\n    nested: map\n',
  'metadata:\n  name: [a]\n',
  'a: \u00a0x\n',
  'a: x\t\n',
];

describe('the quick YAML reader', () => {
  it('reads every example (so validating them takes the fast way)', () => {
    for (const { file, text } of examples()) expect(quickParse(text), file).toBeDefined();
  });

  const corpus = [
    ...examples().map((e) => ({ name: e.file, text: e.text })),
    ...fixtures,
    ...edges.map((text) => ({ name: JSON.stringify(text), text })),
    ...invalidManifests().map((c) => ({ name: c.name, text: c.text })),
  ];

  it.each(corpus.map((c) => [c.name, c.text] as const))('reads %s exactly as yaml does, or leaves it to yaml', (_, text) => {
    const quick = quickParse(text);
    if (quick === undefined) return;
    expect(reference(text)).toEqual(quick);
  });

  it('takes the fast way for most of the corpus, and leaves the unusual to yaml', () => {
    const accepted = corpus.filter((c) => quickParse(c.text) !== undefined).length;
    expect(accepted / corpus.length).toBeGreaterThan(0.5);
    for (const text of ['a: |\n  x\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: "x\\ty"\n', 'a: 1\na: 2\n', 'a: 0x1F\n']) {
      expect(quickParse(text), text).toBeUndefined();
    }
  });
});
