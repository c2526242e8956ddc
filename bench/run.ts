// `npm run bench`: runs every bench module below in turn and writes their figures, with the
// machine they were measured on, to bench/results.md.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The bench modules, in the order their sections appear; each exports `bench()`. */
const BENCHES = ['validate', 'sim', 'pickup', 'blast-radius', 'scale', 'cli-get', 'store-list', 'chaos'] as const;

const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));

interface Section {
  name: string;
  title: string;
  markdown: string;
  seconds: number;
}

type BenchFn = () => Promise<{ title: string; markdown: string }>;

function machine(): string {
  const cpus = os.cpus();
  const rows = [
    ['CPU', cpus[0]?.model.trim() ?? 'unknown'],
    ['cores', String(cpus.length)],
    ['memory', `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['Node.js', process.version],
    ['OS', `${os.type()} ${os.release()} (${os.arch()})`],
    ['date', new Date().toISOString()],
  ];
  return ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

async function runOne(name: string): Promise<Section> {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    return { name, title: name, markdown: `_Not run: bench/${name}.ts is not in this tree._`, seconds: 0 };
  }
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(file).href)) as { bench?: unknown };
    if (typeof mod.bench !== 'function') {
      return { name, title: name, markdown: `_Not run: bench/${name}.ts exports no bench()._`, seconds: 0 };
    }
    const { title, markdown } = await (mod.bench as BenchFn)();
    return { name, title, markdown, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return { name, title: name, markdown: `_Failed:_\n\n\`\`\`\n${why}\n\`\`\``, seconds: (performance.now() - started) / 1000 };
  }
}

async function main(): Promise<void> {
  const sections: Section[] = [];
  for (const name of BENCHES) {
    process.stdout.write(`bench ${name} … `);
    const section = await runOne(name);
    sections.push(section);
    console.log(section.seconds > 0 ? `${section.seconds.toFixed(1)} s` : 'skipped');
  }
  const total = sections.reduce((sum, s) => sum + s.seconds, 0);
  const doc = [
    '# keelson benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); every figure below was measured in that run, on this machine:',
    '',
    machine(),
    '',
    `Sections: ${sections.map((s) => `${s.title} (bench/${s.name}.ts)`).join(', ')}. Total ${total.toFixed(0)} s.`,
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '', ...(s.seconds > 0 ? [`_bench/${s.name}.ts, ${s.seconds.toFixed(1)} s._`, ''] : [])]),
  ].join('\n');
  await writeFile(RESULTS, doc);
  console.log(`results written to ${RESULTS}`);
}

await main();
