// Field paths, and where a field path sits in the YAML text (line and column).
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export type FieldPath = readonly (string | number)[];

/** Where a problem points: the field's value, its key, or (for a missing field) the object that should hold it. */
export type Anchor = 'value' | 'key' | 'parent';

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `spec.strategy.canary.steps[2].setWeight`; keys that are not plain words are quoted. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A JSON pointer (`/spec/steps/0`) as a field path, with array indexes as numbers. */
export function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let value = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(seg);
      path.push(index);
      value = value[index];
    } else {
      path.push(seg);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

export interface Position {
  line: number;
  column: number;
}

interface Found {
  key?: Node;
  value?: Node;
  /** How many segments of the path exist in the document. */
  depth: number;
}

function find(doc: Document, path: FieldPath): Found {
  let value: unknown = doc.contents;
  let key: Node | undefined;
  let depth = 0;
  for (const seg of path) {
    if (isAlias(value)) value = value.resolve(doc);
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(value)) {
      const pair = value.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (!pair) break;
      nextKey = pair.key as Node;
      next = pair.value ?? undefined;
    } else if (isSeq(value) && typeof seg === 'number') {
      next = value.items[seg];
      if (next === undefined) break;
    } else {
      break;
    }
    key = nextKey;
    value = next;
    depth++;
    // `key:` with nothing after it has no value node; the key is the best place to point.
    if (value === undefined || value === null) return { key, depth };
  }
  return { key, value: (value ?? undefined) as Node | undefined, depth };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function start(node: Node | undefined): number | undefined {
  return node?.range?.[0];
}

/** Line and column (1-based) of a field in a document; the nearest existing ancestor when the field is absent. */
export function locate(doc: Document, lineCounter: LineCounter, path: FieldPath, anchor: Anchor): Position {
  const target = anchor === 'parent' ? path.slice(0, -1) : path;
  const found = find(doc, target);
  const exact = found.depth === target.length;
  let offset: number | undefined;
  if (exact && anchor === 'value') offset = start(found.value) ?? start(found.key);
  else offset = start(found.key) ?? start(found.value);
  offset ??= start(doc.contents ?? undefined) ?? doc.range?.[0] ?? 0;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}
