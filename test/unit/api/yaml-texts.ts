// YAML texts made up from a fixed seed, to compare two YAML readers over shapes nobody thought to write.
//
// generatedTexts() composes documents from scalars, keys and layouts that YAML readers are known
// to read differently (YAML 1.1 words, number forms, quoting, block scalars, flow collections,
// comments, empty entries, odd indentation); mutatedExamples() edits the example manifests a
// few characters at a time. Both are deterministic.
import { examples } from './mutations.js';

/** mulberry32: small, fast and good enough to pick test cases. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  'x', 'a b', '1', '-1', '+1', '0', '00', '007', '08', '0x1F', '0o7', '0b1', '-0x1', '-0', '0.0', '-0.0', '.5', '-.5', '+.5',
  '1e3', '1e999', '1.', '1.50', '1_000', '.inf', '-.Inf', '.NaN', 'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', 'Null',
  'true', 'False', 'TRUE', 'tRue', '2024-01-01', '2001-12-14t21:59:43.10-05:00', '12:30', '1:20', '<<', '"q"', "'s'",
  '"a # b"', "'it''s'", '"e\\n\\t\\x41"', '"\\u00e9"', 'é', 'a#b', 'x:y', 'http://h/p?q=1', '/api/*', 'a && b', '"!x"',
  '5m', '1h30m', '"1"', "''", '""', '', 'a,b', 'a ! b', 'a * b', 'x # c', '"q" # c', '"x"#c', '[a] # c', '{a: 1}# c',
  'a  b', 'x\u2028y', '-', '- x', '@x', '`x', '? x', ': x', 'a: b', '&a x', '*a', '!!str 1', '"multi\n line"',
  'plain\n  cont', '|\n  block\n  text', '>\n  folded\n  text\n\n  para', '|-\n  x', '>+\n  y\n', '[a, b]', '{a: 1}', '[]',
  '{}', '[a, [b, c]]', '{a: {b: c}}', '[a,\n b]', '{a: 1,\nb: 2}',
];
const KEYS = ['a', 'b', 'name', 'metadata', '"q"', "'s'", '1', 'true', 'null', '~', '<<', 'a b', 'x-y', '__proto__', 'toString', '"a:b"', '[k]', '{k: v}', '? k', 'é', 'a.b/c'];
const NAMES = [
  '  name: my-app', '  name: "my-app"', "  name: 'my-app'", '  name: my-app # c', '    name: deep', '  labels: {name: x}\n  name: my-app',
  '  annotations:\n    a: |\n      name: fake\n  name: my-app', '  name:\n    my-app', '  "name": my-app', '  name : my-app',
];
const SEPARATORS = ['---\n', '--- # next\n', '---\n\n', '---\n# c\n'];

export function generatedTexts(count: number, seed = 1): string[] {
  const rnd = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const value = (depth: number, indent: number): string => {
    const r = rnd();
    if (depth > 2 || r < 0.5) return ` ${pick(SCALARS).replace(/\n/g, `\n${' '.repeat(indent + 2)}`)}`;
    if (r < 0.75) return `\n${map(depth + 1, indent + pick([1, 2, 4]))}`;
    return `\n${seq(depth + 1, indent + pick([0, 2]))}`;
  };
  const map = (depth: number, indent: number): string =>
    Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
      const comment = rnd() < 0.1 ? `${' '.repeat(Math.floor(rnd() * 4))}# comment\n` : '';
      return `${comment}${' '.repeat(indent)}${pick(KEYS)}:${value(depth, indent)}`;
    }).join('\n');
  const seq = (depth: number, indent: number): string =>
    Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
      const item = rnd() < 0.3 ? ` ${map(depth + 1, indent + 2).trimStart()}` : value(depth, indent);
      return `${' '.repeat(indent)}-${item}`;
    }).join('\n');
  const doc = (): string => {
    const root = rnd() < 0.2 ? '  ' : '';
    const metadata = rnd() < 0.8 ? `metadata:${pick(['', ' # c'])}\n${pick(NAMES)}` : 'metadata: {name: my-app}';
    const parts = [metadata.replace(/^/gm, root), map(0, root.length)];
    if (rnd() < 0.5) parts.reverse();
    return `${rnd() < 0.3 ? '# head\n' : ''}${parts.join('\n')}\n`;
  };
  return Array.from({ length: count }, () => {
    const docs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => (i > 0 || rnd() < 0.3 ? pick(SEPARATORS) : '') + doc());
    return docs.join('') + pick(['', '---\n', '\n']);
  });
}

const INSERTS = [
  ' ', '  ', '\n', ':', ': ', '- ', '#', ' #', '"', "'", '\\', '|', '>', '|-', '[', ']', '{', '}', ',', '?', '-', '---', '...',
  '\t', '\r', '\r\n', '\u00a0', '\u2028', '\u0085', '\x07', 'é', '&a ', '*a', '!!str ', '%', '@', '`', '\\n', '\\x41', '\\q',
  'yes', 'on', '~', 'null', '0x1', '0o7', '0b1', '-0', '-.5', '1e999', '2024-01-01', '<<',
];

export function mutatedExamples(count: number, seed = 1): string[] {
  const rnd = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const texts = examples().map((e) => e.text);
  return Array.from({ length: count }, () => {
    let text = pick(texts);
    for (let edits = 1 + Math.floor(rnd() * 3); edits > 0; edits--) {
      const at = Math.floor(rnd() * text.length);
      const r = rnd();
      if (r < 0.6) text = text.slice(0, at) + pick(INSERTS) + text.slice(at);
      else if (r < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 3));
      else {
        const lines = text.split('\n');
        const i = Math.floor(rnd() * lines.length);
        lines[i] = pick(['', ' ', '   ']) + (lines[i] ?? '').replace(/^ {0,2}/, '');
        text = lines.join('\n');
      }
    }
    return text;
  });
}
