// CloudWatch metric math, the part keelson uses: query ids, numbers, + - * /, parentheses,
// unary minus, and FILL(series, value). Series combine point by point on shared timestamps;
// a division by zero leaves the point out, as CloudWatch does.

import { CloudError } from '../cloud/errors.js';

export type MathValue = number | Map<number, number>;

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'negate'; operand: Node }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/y;

function invalid(message: string): CloudError {
  return new CloudError('Invalid', message, { service: 'cloudwatch', operation: 'GetMetricData', awsCode: 'ValidationError' });
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw invalid(`Invalid metric math expression "${text}" at ${start}`);
    tokens.push((match[1] ?? match[2] ?? match[3]) as string);
  }
  return tokens;
}

export function parseExpression(text: string): Node {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const take = (expected?: string): string => {
    const t = tokens[pos++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw invalid(`Invalid metric math expression "${text}": expected ${expected ?? 'more'}`);
    return t;
  };
  const sum = (): Node => {
    let left = product();
    while (peek() === '+' || peek() === '-') left = { kind: 'binary', op: take() as '+' | '-', left, right: product() };
    return left;
  };
  const product = (): Node => {
    let left = unary();
    while (peek() === '*' || peek() === '/') left = { kind: 'binary', op: take() as '*' | '/', left, right: unary() };
    return left;
  };
  const unary = (): Node => {
    if (peek() !== '-') return atom();
    take('-');
    return { kind: 'negate', operand: unary() };
  };
  const atom = (): Node => {
    const t = take();
    if (t === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (/^\d/.test(t)) return { kind: 'number', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() !== '(') return { kind: 'id', name: t };
      take('(');
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(sum());
        while (peek() === ',') {
          take(',');
          args.push(sum());
        }
      }
      take(')');
      return { kind: 'call', name: t.toUpperCase(), args };
    }
    throw invalid(`Invalid metric math expression "${text}": unexpected "${t}"`);
  };
  const node = sum();
  if (pos !== tokens.length) throw invalid(`Invalid metric math expression "${text}": unexpected "${tokens[pos]}"`);
  return node;
}

/** The ids an expression refers to. */
export function references(node: Node): string[] {
  switch (node.kind) {
    case 'id':
      return [node.name];
    case 'negate':
      return references(node.operand);
    case 'binary':
      return [...references(node.left), ...references(node.right)];
    case 'call':
      return node.args.flatMap(references);
    default:
      return [];
  }
}

/** `grid`: every timestamp of the request, used by FILL. */
export function evaluate(node: Node, lookup: (id: string) => MathValue, grid: readonly number[]): MathValue {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id':
      return lookup(node.name);
    case 'negate':
      return combine(-1, evaluate(node.operand, lookup, grid), '*');
    case 'binary':
      return combine(evaluate(node.left, lookup, grid), evaluate(node.right, lookup, grid), node.op);
    case 'call':
      return call(node, lookup, grid);
  }
}

function call(node: Extract<Node, { kind: 'call' }>, lookup: (id: string) => MathValue, grid: readonly number[]): MathValue {
  const args = node.args.map((a) => evaluate(a, lookup, grid));
  if (node.name === 'FILL' && args.length === 2 && typeof args[1] === 'number') {
    const series = args[0];
    if (typeof series === 'number') return series;
    const filled = new Map(series);
    for (const t of grid) if (!filled.has(t)) filled.set(t, args[1]);
    return filled;
  }
  if (node.name === 'ABS' && args.length === 1) {
    const v = args[0] as MathValue;
    return typeof v === 'number' ? Math.abs(v) : new Map([...v].map(([t, x]) => [t, Math.abs(x)]));
  }
  throw invalid(`Unsupported metric math function ${node.name}`);
}

function apply(a: number, b: number, op: '+' | '-' | '*' | '/'): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : a / b;
  }
}

function combine(a: MathValue, b: MathValue, op: '+' | '-' | '*' | '/'): MathValue {
  if (typeof a === 'number' && typeof b === 'number') return apply(a, b, op) ?? NaN;
  const out = new Map<number, number>();
  if (typeof a === 'number') {
    for (const [t, y] of b as Map<number, number>) setIfDefined(out, t, apply(a, y, op));
  } else if (typeof b === 'number') {
    for (const [t, x] of a) setIfDefined(out, t, apply(x, b, op));
  } else {
    for (const [t, x] of a) if (b.has(t)) setIfDefined(out, t, apply(x, b.get(t) as number, op));
  }
  return out;
}

function setIfDefined(out: Map<number, number>, t: number, v: number | undefined): void {
  if (v !== undefined && Number.isFinite(v)) out.set(t, v);
}
