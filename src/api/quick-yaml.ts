// A fast reader for the plain YAML that manifests are almost always written in.
//
// The `yaml` library builds a full document model (about 0.6 ms for a 70-line manifest), which
// makes reading thousands of Releases slow. Manifests use a small part of YAML: block mappings
// and sequences, one-line flow collections, plain and simple quoted scalars, comments. This
// reader handles exactly that part and gives up (returns undefined) on anything else, so the
// caller falls back to the `yaml` library. test/unit/api/quick-yaml.test.ts checks that whatever
// it accepts, it reads exactly as `yaml` does (values, document lines, positions).
import type { Position } from './locate.js';

export interface QuickDocument {
  value: Record<string, unknown>;
  /** 1-based line of the document's first key. */
  line: number;
  /** Where the value of metadata.name is written, when it is a scalar. */
  nameAt?: Position;
}

/** Thrown inside the reader when the text leaves the plain subset. */
class OutsideSubset extends Error {}

const giveUp = (): never => {
  throw new OutsideSubset();
};

interface Line {
  no: number;
  indent: number;
  content: string;
}

const BLOCK_KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*|"[^"\\]*"):(?= |$)/;
const FLOW_KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*|"[^"\\]*"):(?= )/;
// Characters that start something other than a plain scalar, or end one in flow context.
const INDICATOR = /^[&*!|>%@`,[\]{}#?:'"]/;
const FLOW_PLAIN = /^[^,[\]{}#]*?(?= *(?:[,\]}]|: |$))/;
// Whitespace YAML does not treat as whitespace, and characters this reader leaves to `yaml`.
const UNUSUAL = /[\t\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

// First characters of plain scalars that may resolve to something other than a string.
const MAYBE_NOT_STRING = /^[-+.~0-9nNtTfF]|^$/;

/** The value of a plain scalar under the YAML 1.2 core schema, as `yaml` resolves it. */
function resolvePlain(text: string): unknown {
  if (!MAYBE_NOT_STRING.test(text)) return text;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^0o[0-7]+$/.test(text) || /^0x[0-9a-fA-F]+$/.test(text)) giveUp();
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) giveUp();
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) giveUp();
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return parseFloat(text);
  return text;
}

function keyOf(token: string): string {
  const key = token.startsWith('"') ? token.slice(1, -1) : token;
  // Keys that would resolve to a number, boolean or null are not worth the subtlety.
  if (key === '__proto__' || (key === token && typeof resolvePlain(key) !== 'string')) giveUp();
  return key;
}

type OnValue = (path: readonly (string | number)[], at: Position) => void;
/** Paths are followed only as deep as metadata.name; below that, undefined. */
type Path = (string | number)[] | undefined;
const child = (path: Path, key: string | number): Path => (path && path.length < 2 ? [...path, key] : undefined);

/** Reads one line's worth of inline value (scalar or flow collection) starting at `column`. */
class Inline {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly column: number,
    private readonly onValue: OnValue,
  ) {}

  /** The whole inline value; only a comment may follow it. */
  readAll(path: Path): unknown {
    const first = this.text[0] ?? '';
    let value: unknown;
    if (first === '{' || first === '[' || first === '"' || first === "'") {
      value = this.value(path);
      const rest = this.text.slice(this.pos);
      if (rest !== '' && !/^ +(#.*)?$/.test(rest)) giveUp();
    } else {
      if (INDICATOR.test(first) || /^-(\s|$)/.test(this.text)) giveUp();
      const cut = this.text.search(/ #/);
      const plain = (cut >= 0 ? this.text.slice(0, cut) : this.text).replace(/ +$/, '');
      if (plain.includes(': ') || plain.endsWith(':')) giveUp();
      if (path) this.onValue(path, { line: this.line, column: this.column });
      value = resolvePlain(plain);
    }
    return value;
  }

  private spaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private value(path: Path): unknown {
    this.spaces();
    if (path) this.onValue(path, { line: this.line, column: this.column + this.pos });
    const c = this.text[this.pos];
    if (c === '{') return this.flowMap(path);
    if (c === '[') return this.flowSeq(path);
    if (c === '"') return this.doubleQuoted();
    if (c === "'") return this.singleQuoted();
    const rest = this.text.slice(this.pos);
    if (INDICATOR.test(rest) || /^-(\s|$)/.test(rest)) giveUp();
    const m = FLOW_PLAIN.exec(rest);
    const plain = m?.[0] ?? '';
    if (plain === '' || plain.endsWith(':')) giveUp();
    this.pos += plain.length;
    return resolvePlain(plain);
  }

  private flowMap(path: Path): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.spaces();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      const m = FLOW_KEY.exec(this.text.slice(this.pos)) ?? giveUp();
      const key = keyOf(m[1] as string);
      if (Object.hasOwn(out, key)) giveUp();
      this.pos += m[0].length + 1;
      out[key] = this.value(child(path, key));
      this.spaces();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') giveUp();
      this.spaces();
      if (this.text[this.pos] === '}') giveUp();
    }
  }

  private flowSeq(path: Path): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.spaces();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(child(path, out.length)));
      this.spaces();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') giveUp();
      this.spaces();
      if (this.text[this.pos] === ']') giveUp();
    }
  }

  private doubleQuoted(): string {
    const end = this.text.indexOf('"', this.pos + 1);
    if (end < 0) giveUp();
    const body = this.text.slice(this.pos + 1, end);
    if (body.includes('\\')) giveUp();
    this.pos = end + 1;
    return body;
  }

  private singleQuoted(): string {
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      const end = this.text.indexOf("'", i);
      if (end < 0) giveUp();
      out += this.text.slice(i, end);
      if (this.text[end + 1] !== "'") {
        this.pos = end + 1;
        return out;
      }
      out += "'";
      i = end + 2;
    }
  }
}

/** Block structure of one document: mappings and sequences by indentation. */
class Block {
  private i = 0;

  constructor(
    private readonly lines: Line[],
    private readonly onValue: OnValue,
  ) {}

  document(): Record<string, unknown> {
    const first = this.lines[0];
    if (!first || first.indent !== 0 || isSeqItem(first)) giveUp();
    const value = this.map(0, []);
    if (this.i < this.lines.length) giveUp();
    return value;
  }

  private get line(): Line | undefined {
    return this.lines[this.i];
  }

  private map(indent: number, path: Path): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.line; line && line.indent === indent; line = this.line) {
      const m = BLOCK_KEY.exec(line.content) ?? giveUp();
      const key = keyOf(m[1] as string);
      if (Object.hasOwn(out, key)) giveUp();
      const rest = line.content.slice(m[0].length).replace(/^ +/, '');
      const column = indent + 1 + line.content.length - rest.length;
      this.i++;
      out[key] = this.valueAfter(rest, line.no, column, indent, child(path, key), true);
    }
    return out;
  }

  private seq(indent: number, path: Path): unknown[] {
    const out: unknown[] = [];
    for (let line = this.line; line && line.indent === indent && isSeqItem(line); line = this.line) {
      const after = line.content.slice(1);
      const rest = after.replace(/^ +/, '');
      const itemIndent = indent + 1 + after.length - rest.length;
      const itemPath = child(path, out.length);
      if (rest !== '' && !rest.startsWith('#') && BLOCK_KEY.test(rest)) {
        // `- key: value` starts a mapping whose keys sit at the column after the dash.
        this.lines[this.i] = { no: line.no, indent: itemIndent, content: rest };
        if (itemPath) this.onValue(itemPath, { line: line.no, column: itemIndent + 1 });
        out.push(this.map(itemIndent, itemPath));
      } else {
        this.i++;
        out.push(this.valueAfter(rest, line.no, itemIndent + 1, indent, itemPath, false));
      }
    }
    return out;
  }

  /** The value that follows a key or a dash: inline, a nested block, or nothing (null). */
  private valueAfter(rest: string, no: number, column: number, indent: number, path: Path, inMap: boolean): unknown {
    const next = this.line;
    if (rest === '' || rest.startsWith('#')) {
      if (next && next.indent > indent) return this.block(next, path);
      // A sequence may sit at the same indentation as its mapping key.
      if (inMap && next && next.indent === indent && isSeqItem(next)) return this.block(next, path);
      return null;
    }
    const value = new Inline(rest, no, column, this.onValue).readAll(path);
    if (next && next.indent > indent) giveUp(); // a continued scalar, or stray indentation
    return value;
  }

  private block(first: Line, path: Path): unknown {
    if (path) this.onValue(path, { line: first.no, column: first.indent + 1 });
    return isSeqItem(first) ? this.seq(first.indent, path) : this.map(first.indent, path);
  }
}

function isSeqItem(line: Line): boolean {
  return line.content === '-' || line.content.startsWith('- ');
}

/** Splits the text into documents of significant lines (no blanks, no comment lines). */
function documents(text: string): Line[][] {
  const docs: Line[][] = [[]];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k] as string;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length || raw.charCodeAt(indent) === 35 /* # */) continue;
    const content = raw.slice(indent);
    if (indent === 0 && /^(---|\.\.\.|%)/.test(content)) {
      if (!/^---\s*$/.test(content)) giveUp();
      docs.push([]);
      continue;
    }
    docs[docs.length - 1]?.push({ no: k + 1, indent, content: content.endsWith(' ') ? content.replace(/ +$/, '') : content });
  }
  return docs.filter((d) => d.length > 0);
}

/** The documents of `text`, or undefined when it uses YAML beyond the plain subset. */
export function quickParse(text: string): QuickDocument[] | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return documents(text).map((lines) => {
      let nameAt: Position | undefined;
      const onValue: OnValue = (path, at) => {
        if (path.length === 2 && path[0] === 'metadata' && path[1] === 'name') nameAt = at;
      };
      const value = new Block(lines, onValue).document();
      const name = (value.metadata as { name?: unknown } | null | undefined)?.name;
      const isScalar = name === null || typeof name !== 'object';
      return { value, line: (lines[0] as Line).no, ...(nameAt && isScalar ? { nameAt } : {}) };
    });
  } catch (err) {
    if (err instanceof OutsideSubset) return undefined;
    throw err;
  }
}
