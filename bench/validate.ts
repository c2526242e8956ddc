// How long validating 1,000 Releases takes: one multi-document file, and 1,000 files.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
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

async function timed(run: () => Promise<number> | number): Promise<{ best: number; median: number; releases: number }> {
  const times: number[] = [];
  let releases = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    releases = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { best: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0, releases };
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

export async function bench(): Promise<{ title: string; markdown: string }> {
  const compileStart = performance.now();
  schemaErrors({}); // the first call compiles the validator
  const compile = performance.now() - compileStart;

  const texts = await manifests();
  const dir = await mkdtemp(join(tmpdir(), 'keelson-bench-validate-'));
  try {
    const multi = join(dir, 'all.yaml');
    await writeFile(multi, texts.join('---\n'));
    await mkdir(join(dir, 'many'));
    await Promise.all(texts.map((t, i) => writeFile(join(dir, 'many', `release-${String(i).padStart(4, '0')}.yaml`), t)));

    const memory = await timed(() => parseReleases(texts.join('---\n'), 'all.yaml').releases.filter((r) => r.release).length);
    const oneFile = await timed(async () => (await validatePaths([multi])).releases.length);
    const manyFiles = await timed(async () => (await validatePaths([join(dir, 'many')])).releases.length);
    for (const r of [memory, oneFile, manyFiles]) if (r.releases !== COUNT) throw new Error(`expected ${COUNT} valid Releases, got ${r.releases}`);

    const rows = [
      ['parseReleases, one 1,000-document text in memory', memory],
      ['validatePaths, one file with 1,000 documents', oneFile],
      ['validatePaths, a folder of 1,000 files', manyFiles],
    ] as const;
    const markdown = [
      `${COUNT} Releases made from the four examples in manifests/examples (distinct names), all valid, so every`,
      'document goes through YAML parsing, the schema (ajv, allErrors) and the semantic rules.',
      `Wall clock with performance.now(), best and median of ${RUNS} runs in one process, Node ${process.version}.`,
      '',
      '| case | best | median | per Release (median) |',
      '| --- | ---: | ---: | ---: |',
      ...rows.map(([name, r]) => `| ${name} | ${ms(r.best)} | ${ms(r.median)} | ${((r.median * 1000) / COUNT).toFixed(0)} µs |`),
      '',
      `Compiling the schema into a validator, once per process on first use: ${ms(compile)}.`,
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
