// Seeded fuzzing of hostile manifests: sizes, depth, duplicates, tags, durations, control
// characters, encodings (BOM, UTF-16, invalid UTF-8), special files and links. Every case must
// end in valid Releases or clean, bounded problems (file, line, message): never a throw, a hang
// or output that grows without bound. fast-check prints the seed and the case that fails.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../../src/api/limits.js';
import type { ManifestProblem } from '../../../src/api/problem.js';
import { validatePaths } from '../../../src/api/validate-paths.js';
import { candidatesFromText } from '../../../src/sources/snapshot.js';
import { releaseYaml } from '../../helpers/releases.js';

const SEED = Number(process.env['KEELSON_PROPERTY_SEED'] ?? 20260214);
const TEXT_RUNS = 1_000;
const FILE_RUNS = 40;

const EXAMPLE = readFileSync(new URL('../../../manifests/examples/aep-backend-canary.yaml', import.meta.url), 'utf8');
const CODES = new Set(['yaml', 'schema', 'duration', 'semantic', 'duplicate', 'io', 'limit']);
/** Problems per file are capped, but each document with a problem keeps one. */
const MAX_PROBLEMS = INPUT_LIMITS.maxDocumentsPerFile + INPUT_LIMITS.maxProblemsPerFile + 1;
const MAX_MESSAGE = 600;

function expectClean(problems: ManifestProblem[], files: (file: string) => boolean): void {
  expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
  for (const p of problems) {
    expect(files(p.file), p.file).toBe(true);
    expect(Number.isInteger(p.line) && p.line >= 0).toBe(true);
    expect(Number.isInteger(p.column) && p.column >= 0).toBe(true);
    expect(CODES.has(p.code), p.code).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    // Messages never carry raw control characters from the input.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(p.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  }
}

// ---- text mutations ----------------------------------------------------------------------

type Mutation = (text: string) => string;

const lines = (text: string): string[] => text.split('\n');
const atLine = (text: string, index: number, edit: (line: string) => string): string => {
  const all = lines(text);
  const i = index % all.length;
  all[i] = edit(all[i] ?? '');
  return all.join('\n');
};

const TAGS = ['!Ref Cluster', '!!set {a, b}', '!!binary aGk=', '!!timestamp 2020-01-01', '!custom [1]', '!!python/object:os.system x', '!<tag:x,2020:y> z', '!Sub "${A}"', '!!omap [{a: 1}]', '!!pairs [{a: 1}]'];
const DURATIONS = ['0s', '0ms', `${'9'.repeat(400)}d`, '30d', '365d', '1ms', '99999999999h', '1h30m', '-5m', '5', '', '1e9s', '24.8d'];
const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\ufffe', '\u2028'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // duplicates: one Release many times, sometimes past the documents limit
  fc.integer({ min: 2, max: 60 }).map((n) => (text: string) => Array.from({ length: n }, () => text).join('---\n')),
  fc.constant(() => Array.from({ length: 210 }, () => releaseYaml('same')).join('---\n')),
  fc.constant((text: string) => `${text}${'---\n'.repeat(300)}`),
  // depth: flow and block nesting, shallow and very deep
  fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.nat()).map(([depth, at]) => (text: string) =>
    atLine(text, at, (l) => `${l} ${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc.integer({ min: 20, max: 400 }).map((depth) => (text: string) =>
    `${text}\nextra:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x\n`),
  fc.integer({ min: 30, max: 2_000 }).map((depth) => (text: string) =>
    text.replace('metadata:\n', `metadata:\n  labels: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`)),
  // tags on a value
  fc.tuple(fc.constantFrom(...TAGS), fc.nat()).map(([tag, at]) => (text: string) =>
    atLine(text, at, (l) => l.replace(/: (\S.*)$/, `: ${tag}`))),
  // durations out of range or malformed
  fc.tuple(fc.constantFrom(...DURATIONS), fc.nat()).map(([d, at]) => (text: string) => {
    let n = 0;
    return text.replace(/\b(\d+(?:ms|s|m|h|d))\b/g, (m) => (n++ === at % 12 ? d : m));
  }),
  // thresholds, URLs with control characters, negative numbers
  fc.constantFrom<Mutation>(
    (t) => t.replace('max: 5%', 'max: -5'),
    (t) => t.replace(/url: (\S+)/, 'url: "https://a.example.com/\\0x"'),
    (t) => t.replace(/url: (\S+)/, 'url: "https://a.example.com/\\x1b[31m"'),
    (t) => t.replace(/maxUnhealthy: \d+/, 'maxUnhealthy: -1'),
    (t) => t.replace(/setWeight: 10\b/, 'setWeight: 1e999'),
  ),
  // a raw control character somewhere
  fc.tuple(fc.constantFrom(...CONTROL), fc.nat(), fc.nat()).map(([c, at, col]) => (text: string) =>
    atLine(text, at, (l) => `${l.slice(0, col % (l.length + 1))}${c}${l.slice(col % (l.length + 1))}`)),
  // anchors and aliases: a small "billion laughs"
  fc.integer({ min: 2, max: 12 }).map((levels) => (text: string) => {
    const defs = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < levels; i++) defs.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    return text.replace('metadata:\n', `x-laughs:\n${defs.map((d) => `  ${d}`).join('\n')}\nmetadata:\n`);
  }),
  // size: long lines and files past the size limit
  fc.integer({ min: 1, max: 200_000 }).map((n) => (text: string) => text.replace('cluster: aep-prod', `cluster: ${'x'.repeat(n)}`)),
  fc.constant((text: string) => `${text}${'# padding padding padding\n'.repeat(45_000)}`),
  // random garbage spliced in
  fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat()).map(([junk, at]) => (text: string) =>
    atLine(text, at, (l) => `${l}${junk}`)),
  fc.tuple(fc.nat(), fc.nat()).map(([from, len]) => (text: string) => text.slice(0, from % text.length) + text.slice((from % text.length) + (len % 200))),
);

type Encoding = (text: string) => Uint8Array;
const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  fc.constant<Encoding>((t) => Buffer.from(t, 'utf8')),
  fc.constant<Encoding>((t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')])),
  fc.constant<Encoding>((t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])),
  fc.constant<Encoding>((t) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()])),
  fc.constant<Encoding>((t) => Buffer.from(t, 'utf16le')), // UTF-16 without a byte-order mark
  fc.constant<Encoding>((t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${t}x`, 'utf16le').subarray(0, -1)])), // odd length
  fc.tuple(fc.nat(), fc.constantFrom([0xc3], [0xff], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf])).map(
    ([at, bad]) => (t: string) => {
      const bytes = Buffer.from(t, 'utf8');
      const i = at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]);
    },
  ),
);

const base = fc.constantFrom(EXAMPLE, releaseYaml('plain'), releaseYaml('labelled', { labels: { team: 'a' } }), '', '---\n', '# only a comment\n');
const hostileText = fc.record({ base, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), encode: encoding });

describe('hostile manifests end in clean, bounded problems', () => {
  it(`${TEXT_RUNS} generated texts (seed ${SEED}; set KEELSON_PROPERTY_SEED to replay)`, () => {
    fc.assert(
      fc.property(hostileText, ({ base: start, mutations, encode }) => {
        const text = mutations.reduce((t, m) => m(t), start);
        const candidates = candidatesFromText({ file: 'f.yaml', text: encode(text), sourceRevision: 'r' });
        expect(candidates.length).toBeLessThanOrEqual(INPUT_LIMITS.maxDocumentsPerFile + 1);
        const problems = candidates.flatMap((c) => c.problems);
        expectClean(problems, (f) => f === 'f.yaml');
        for (const c of candidates) expect(c.release !== undefined || c.problems.length > 0).toBe(true);
        expect(JSON.stringify(candidates).length).toBeLessThan(4 * 1024 * 1024);
      }),
      { seed: SEED, numRuns: TEXT_RUNS },
    );
  });
});

// ---- files: special files and links ------------------------------------------------------

type Entry = 'file' | 'fifo' | 'link-outside' | 'link-inside' | 'link-dangling' | 'link-loop' | 'link-proc' | 'link-device' | 'folder-named-yaml' | 'unreadable';
const entryKinds: Entry[] = ['file', 'fifo', 'link-outside', 'link-inside', 'link-dangling', 'link-loop', 'link-proc', 'link-device', 'folder-named-yaml', 'unreadable'];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-fuzz-files-'));
  await writeFile(join(root, 'outside.yaml'), releaseYaml('outside-secret'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeEntry(folder: string, name: string, kind: Entry, content: string): Promise<void> {
  const path = join(folder, name);
  switch (kind) {
    case 'file':
      return writeFile(path, content);
    case 'unreadable':
      return writeFile(path, content, { mode: 0o000 });
    case 'fifo':
      execFileSync('mkfifo', [path]);
      return;
    case 'link-outside':
      return symlink(join(root, 'outside.yaml'), path);
    case 'link-inside':
      await writeFile(join(folder, `target-${name}`), content);
      return symlink(join(folder, `target-${name}`), path);
    case 'link-dangling':
      return symlink(join(folder, 'nowhere.yaml'), path);
    case 'link-loop':
      return symlink(path, path);
    case 'link-proc':
      return symlink('/proc/self/environ', path);
    case 'link-device':
      return symlink('/dev/zero', path);
    case 'folder-named-yaml':
      await mkdir(path);
      return writeFile(join(path, 'inner.yaml'), content);
  }
}

describe('hostile files end in clean, bounded problems', () => {
  let trial = 0;
  it(`${FILE_RUNS} generated folders of special files and links (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.constantFrom(...entryKinds), text: fc.oneof(base, base.map((b) => `${b}\u0000`)) }), { minLength: 1, maxLength: 6 }),
        async (entries) => {
          const folder = join(root, `t${trial++}`);
          await mkdir(folder);
          const names = entries.map((_, i) => `e${i}.yaml`);
          for (const [i, e] of entries.entries()) await makeEntry(folder, names[i] as string, e.kind, e.text);
          const inFolder = (f: string): boolean => f.startsWith(folder);
          const whole = await validatePaths([folder]);
          expectClean(whole.problems, inFolder);
          for (const name of names) {
            const one = await validatePaths([join(folder, name)]);
            expectClean(one.problems, inFolder);
            const output = JSON.stringify(one);
            expect(output).not.toContain('outside-secret');
            expect(output).not.toMatch(/PATH=|HOME=/);
          }
        },
      ),
      { seed: SEED, numRuns: FILE_RUNS },
    );
  });
});
