// How long validating 1,000 Releases takes: multi-document files (as many documents as a file may hold), and 1,000 files.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { INPUT_LIMITS } from '../src/api/limits.js';
import { parseReleases } from '../src/api/load.js';
import { schemaErrors } from '../src/api/schema.js';
import { validatePaths } from '../src/api/validate-paths.js';

const COUNT = 1_000;
const RUNS = 5;
const EXAMPLES = new URL('../manifests/examples/', import.meta.url);

/** COUNT manifests made from the examples in turn, each with its own name. */
async function manifests(): Promise<string[]> {
  const names = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();
  const texts = await Promise.all(names.map((n) => readFile(new URL(n, EXAMPLES), 'utf8')));
  return Array.from({ length: COUNT }, (_, i) => {
    const doc = parseDocument(texts[i % texts.length] ?? '');
    doc.setIn(['metadata', 'name'], `${String(doc.getIn(['metadata', 'name']))}-${i}`);
    return doc.toString();
  });
}

interface Timing {
  first: number;
  best: number;
  median: number;
  releases: number;
}

async function timed(run: () => Promise<number> | number): Promise<Timing> {
  const times: number[] = [];
  let releases = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    releases = await run();
    times.push(performance.now() - start);
  }
  const first = times[0] ?? 0;
  times.sort((a, b) => a - b);
  return { first, best: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0, releases };
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const valid = (file: { releases: { release?: unknown }[] }): number => file.releases.filter((r) => r.release).length;

/** The documents joined into texts of at most `size` documents each. */
function chunked(docs: string[], size: number, separator: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < docs.length; at += size) out.push(docs.slice(at, at + size).join(separator));
  return out;
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const compileStart = performance.now();
  schemaErrors({}); // the first call compiles the validator
  const compile = performance.now() - compileStart;

  const texts = await manifests();
  const dir = await mkdtemp(join(tmpdir(), 'keelson-bench-validate-'));
  try {
    // A file holds at most INPUT_LIMITS.maxDocumentsPerFile documents: the 1,000 go into files that full.
    const multi = join(dir, 'multi');
    await mkdir(multi);
    const perFile = INPUT_LIMITS.maxDocumentsPerFile;
    for (const [i, text] of chunked(texts, perFile, '---\n').entries()) await writeFile(join(multi, `releases-${i}.yaml`), text);
    await mkdir(join(dir, 'many'));
    await Promise.all(texts.map((t, i) => writeFile(join(dir, 'many', `release-${String(i).padStart(4, '0')}.yaml`), t)));
    const plainWay = chunked(texts, perFile, '---\n');

    const rows: [string, Timing][] = [
      ['validatePaths, a folder of 1,000 files', await timed(async () => (await validatePaths([join(dir, 'many')])).releases.length)],
      [`validatePaths, ${Math.ceil(COUNT / INPUT_LIMITS.maxDocumentsPerFile)} files of ${INPUT_LIMITS.maxDocumentsPerFile} documents`, await timed(async () => (await validatePaths([multi])).releases.length)],
      ['parseReleases, the same 1,000 documents in memory', await timed(() => plainWay.reduce((n, text) => n + valid(parseReleases(text, 'all.yaml')), 0))],
    ];
    for (const [name, r] of rows) if (r.releases !== COUNT) throw new Error(`${name}: expected ${COUNT} valid Releases, got ${r.releases}`);
    const markdown = [
      `${COUNT} Releases made from the four examples in manifests/examples (distinct names, comments kept), all`,
      'valid, so every document goes through YAML reading, the schema (ajv, allErrors) and the semantic rules.',
      `Wall clock with performance.now(), ${RUNS} runs each in one process (first run, best, median), Node ${process.version},`,
      `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}).`,
      '',
      '| case | first run | best | median | per Release (median) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map(
        ([name, r]) => `| ${name} | ${ms(r.first)} | ${ms(r.best)} | ${ms(r.median)} | ${((r.median * 1000) / COUNT).toFixed(0)} µs |`,
      ),
      '',
      `Compiling the schema into a validator, once per process on first use: ${ms(compile)}.`,
      'YAML is read by one parser, the yaml library, which keeps where every node is written: a problem is',
      'reported with its file, line and field. (A second, faster-looking reader, js-yaml, read the usual',
      'case before; measured in CPU time it saved nothing, about 1 ms per Release either way, and went.)',
    ].join('\n');
    return { title: 'Validating Release manifests', markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
