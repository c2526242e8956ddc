// The fast way to read manifests: js-yaml, for text it reads exactly as the `yaml` library does.
//
// The `yaml` library builds a document model that knows where every node is written, which
// problems need, but it is about ten times slower than js-yaml. So js-yaml reads first, and the
// text goes to `yaml` whenever the two could read it differently:
// - plain scalars are typed by the `yaml` library's own YAML 1.2 core tags, so `yes`, `on`,
//   `0b1`, `-0x1`, `-.5`, `-0`, `1e999` or `2024-01-01` mean exactly what they mean to `yaml`;
// - tags, anchors and aliases (so "billion laughs" documents never reach the validator),
//   directives, explicit, empty, null and collection keys, multi-line quoted scalars and flow
//   collections (js-yaml does not check their indentation), and the few other places where
//   js-yaml is more lenient or reads differently are left to `yaml`;
// - whatever js-yaml refuses is left to `yaml`, which says where the problem is.
// test/unit/api/fast-yaml.test.ts checks, over every example, fixture and invalid manifest,
// edge cases and thousands of generated texts, that whatever this reads, it reads as `yaml`
// does: values, the line of each document and where metadata.name is written.
import { FAILSAFE_SCHEMA, Type, loadAll } from 'js-yaml';
import type { EventType, State } from 'js-yaml';
import { Schema, isScalar } from 'yaml';
import type { ParseOptions } from 'yaml';
import type { Position } from './locate.js';

export interface FastDocument {
  value: unknown;
  /** 1-based line of the document's first node. */
  line: number;
  /** The document's lines, as indexes into FastRead.lines (end exclusive). */
  from: number;
  to: number;
}

export interface FastRead {
  lines: string[];
  /** The documents that hold something, in order. */
  docs: FastDocument[];
}

/** Anywhere in the text, these leave it to the `yaml` library. */
const LEFT_TO_YAML = [
  /^(?:%|\.\.\.(?:\s|$)|---\S)/m, // a directive, a document end marker, `---` run into text (`yaml` reads a key)
  /(?:^|[\s[{,])[?:](?:[\s,\]}]|$)/, // an explicit key, an empty key, a space before a colon
  /(?:^|[\s[{,])(?:~|null|Null|NULL)[ \t]*:(?:[\s,\]}]|$)/, // a null key: '' to `yaml`, 'null' to js-yaml
  /[\]}][ \t]*:/, // a collection as a key: stringified differently
  /(?:^|[ ])-[ ]*(?:#.*)?$/m, // an empty sequence entry: js-yaml 4 may move the next outer entry into its sequence
  /[\t\ufeff]|\r(?!\n)/, // tabs (YAML allows them only in some places), a byte-order mark, a lone CR
];
/** `yaml` refuses implicit keys longer than this; a line that long is left to it. */
const LONGEST_LINE = 1023;

/**
 * Watches js-yaml read, node by node, for what `yaml` reads differently: tags, anchors and
 * aliases, and quoted scalars or flow collections over several lines or with a comment run
 * into their end (`"x"# c`).
 */
class NodeWatch {
  leftToYaml = false;
  private readonly starts: number[] = [];

  readonly listener = (event: EventType, state: State): void => {
    if (event === 'open') {
      this.starts.push(state.position);
      return;
    }
    const { input, position: end } = state;
    const start = nodeStart(input, this.starts.pop() ?? 0);
    const first = input.charCodeAt(start);
    if (first === BANG || first === AMPERSAND || first === ASTERISK) this.leftToYaml = true;
    else if (FLOW_ENDS.get(first) === input.charCodeAt(end - 1)) {
      if (input.charCodeAt(end) === HASH || input.slice(start, end).includes('\n')) this.leftToYaml = true;
    }
  };
}

const [BANG, AMPERSAND, ASTERISK, HASH, SPACE, LF, CR] = ['!', '&', '*', '#', ' ', '\n', '\r'].map((c) => c.charCodeAt(0));
/** First and last character of quoted scalars and flow collections. */
const FLOW_ENDS = new Map(['""', "''", '[]', '{}'].map((p) => [p.charCodeAt(0), p.charCodeAt(1)]));

/** Where a node starts: past the spaces, line breaks and comments before it. */
function nodeStart(input: string, from: number): number {
  let i = from;
  for (;;) {
    const c = input.charCodeAt(i);
    if (c === SPACE || c === LF || c === CR) i++;
    else if (c === HASH) while (i < input.length && input.charCodeAt(i) !== LF) i++;
    else return i;
  }
}

/** The `yaml` library's YAML 1.2 core tags for plain scalars that are not strings. */
const CORE_TAGS = new Schema({}).tags.filter(
  (tag): tag is typeof tag & { test: RegExp } => tag.default === true && !tag.collection && tag.test instanceof RegExp,
);
const NOT_A_STRING = new RegExp(CORE_TAGS.map((tag) => `(?:${tag.test.source})`).join('|'));

/** The options parseReleases's full way reads with, as far as scalars care. */
const READ_OPTIONS: ParseOptions = { intAsBigInt: false };

/** Plain scalars read as `yaml` reads them: the first core tag whose pattern matches resolves it. */
const plainScalar = new Type('tag:keelson.dev,2026:plain-scalar', {
  kind: 'scalar',
  resolve: (text: unknown) => typeof text === 'string' && NOT_A_STRING.test(text),
  construct: (text: string) => {
    const tag = CORE_TAGS.find((t) => t.test.test(text));
    const value: unknown = tag?.resolve(text, () => undefined, READ_OPTIONS);
    return isScalar(value) ? value.value : value;
  },
});

const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [plainScalar] });

/** Blank or only a comment (the s flag: a comment may hold U+2028, which `.` would not match). */
const isBlank = (line: string): boolean => /^ *(?:#.*)?$/s.test(line);
const SEPARATOR = /^---(?: |$)/;

/** For each document that holds something: its lines, and the line of its first node. */
function documentLines(lines: string[]): Omit<FastDocument, 'value'>[] | undefined {
  const docs: Omit<FastDocument, 'value'>[] = [];
  let from = 0;
  let first = -1;
  for (let i = 0; i <= lines.length; i++) {
    const line = lines[i];
    if (line === undefined || SEPARATOR.test(line)) {
      if (line !== undefined && !isBlank(line.slice(3))) return undefined; // content after `---`
      if (first >= 0) docs.push({ from, to: i, line: first + 1 });
      from = i + 1;
      first = -1;
    } else if (first < 0 && !isBlank(line)) {
      first = i;
    }
  }
  return docs;
}

/**
 * The documents of `text` as js-yaml reads them, empty ones left out; undefined when the `yaml`
 * library could read the text differently, or would report a problem.
 */
export function fastRead(text: string): FastRead | undefined {
  if (LEFT_TO_YAML.some((re) => re.test(text))) return undefined;
  const lines = text.split(/\r?\n/);
  if (lines.some((line) => line.length > LONGEST_LINE)) return undefined;
  const watch = new NodeWatch();
  let values: unknown[];
  try {
    values = loadAll(text, null, { schema: SCHEMA, json: false, listener: watch.listener });
  } catch {
    return undefined;
  }
  if (watch.leftToYaml) return undefined;
  const places = documentLines(lines);
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!places || places.length !== present.length) return undefined;
  return { lines, docs: places.map((place, i) => ({ value: present[i], ...place })) };
}

const indentOf = (line: string): number => /^ */.exec(line)?.[0].length ?? 0;

/** The one line of lines[from, to) that starts with `key:` at `indent`, and where its value starts; undefined if none or several. */
function keyLine(lines: string[], from: number, to: number, indent: number, key: string): { at: number; rest: number } | undefined {
  const re = new RegExp(`^ {${indent}}(?:${key}|"${key}"|'${key}'):(?= |$)`);
  let found: { at: number; rest: number } | undefined;
  for (let i = from; i < to; i++) {
    const m = re.exec(lines[i] as string);
    if (!m) continue;
    if (found) return undefined;
    found = { at: i, rest: m[0].length };
  }
  return found;
}

/** The lines of the block under the key on line `at` (end exclusive), and the indentation of its keys. */
function blockUnder(lines: string[], at: number, to: number, indent: number): { end: number; inner: number } | undefined {
  let inner = -1;
  let end = at + 1;
  for (; end < to; end++) {
    const line = lines[end] as string;
    if (isBlank(line)) continue;
    const n = indentOf(line);
    if (n <= indent) break;
    if (inner < 0) inner = n;
  }
  return inner < 0 ? undefined : { end, inner };
}

/**
 * Where the value of metadata.name (the string `name`) is written, when written in block style
 * (`name: <name>`, quoted or not, under `metadata:`); undefined for any other way of writing it.
 * In a valid document a line at the indentation of metadata's keys can only be one of its keys:
 * deeper content is indented more, and `yaml` and js-yaml both refuse less indented plain scalar
 * continuations (multi-line quoted scalars never get here).
 */
export function fastNameAt(read: FastRead, doc: FastDocument, name: string): Position | undefined {
  const { lines } = read;
  const root = indentOf(lines[doc.line - 1] as string);
  const metadata = keyLine(lines, doc.from, doc.to, root, 'metadata');
  if (!metadata || !isBlank((lines[metadata.at] as string).slice(metadata.rest))) return undefined;
  const block = blockUnder(lines, metadata.at, doc.to, root);
  const key = block && keyLine(lines, metadata.at + 1, block.end, block.inner, 'name');
  if (!key) return undefined;
  const line = lines[key.at] as string;
  const column = key.rest + indentOf(line.slice(key.rest));
  const written = line.slice(column);
  const asWritten = [name, `"${name}"`, `'${name}'`].some((w) => written.startsWith(w) && isBlank(written.slice(w.length)));
  return asWritten ? { line: key.at + 1, column: column + 1 } : undefined;
}
