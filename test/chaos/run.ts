// `npm run chaos`: seeded chaos trials, spread over worker threads; totals, every violation with
// the command that replays it, bench/chaos.json and bench/chaos.md. Exits 1 on any violation.
//   npm run chaos -- --trials 1000 --from 1 --workers 2
//   npm run chaos -- --seed 1234 --verbose
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import type { Violation } from './checks.js';
import { runTrial, type TrialResult } from './trial.js';

interface Failure {
  seed: number;
  invariant: string;
  release?: string;
  atS?: number;
  detail: string;
  replay: string;
}

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
};

const replay = (seed: number): string => `npm run chaos -- --seed ${seed} --verbose`;

async function inWorkers(seeds: number[], workers: number, onResult: (r: TrialResult) => void, onError: (seed: number, error: string) => void): Promise<void> {
  const queue = [...seeds];
  const url = new URL('./worker.ts', import.meta.url);
  await Promise.all(
    Array.from({ length: Math.min(workers, seeds.length) }, () =>
      new Promise<void>((resolve, reject) => {
        // The worker registers tsx's loader before it imports the TypeScript trial code.
        const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
        const worker = new Worker(boot, { eval: true });
        const next = (): void => {
          const seed = queue.shift();
          worker.postMessage(seed === undefined ? { done: true } : { seed });
        };
        worker.on('message', (m: { result: TrialResult } | { seed: number; error: string }) => {
          if ('result' in m) onResult(m.result);
          else onError(m.seed, m.error);
          next();
        });
        worker.on('error', reject);
        worker.on('exit', () => resolve());
        next();
      }),
    ),
  );
}

async function main(): Promise<void> {
  const program = new Command('chaos')
    .description('seeded chaos trials against the simulated AWS')
    .option('--trials <n>', 'how many trials', integer, 1_000)
    .option('--from <seed>', 'first seed', integer, 1)
    .option('--seed <seed>', 'run this one seed only', integer)
    .option('--workers <n>', 'worker threads', integer, Math.max(1, Math.min(2, cpus().length)))
    .option('--verbose', 'print what happens in each trial (one seed only)')
    .option('--no-write', 'do not write bench/chaos.json and bench/chaos.md');
  program.parse();
  const opts = program.opts<{ trials: number; from: number; seed?: number; workers: number; verbose?: boolean; write: boolean }>();
  const seeds = opts.seed !== undefined ? [opts.seed] : Array.from({ length: opts.trials }, (_, i) => opts.from + i);
  const started = performance.now();
  const results: TrialResult[] = [];
  const failures: Failure[] = [];
  const record = (r: TrialResult): void => {
    results.push(r);
    for (const v of r.violations) failures.push(toFailure(r.seed, v));
    if (results.length % 50 === 0) console.error(`${results.length}/${seeds.length} trials, ${failures.length} violation(s)`);
  };
  const crashed = (seed: number, error: string): void => {
    failures.push({ seed, invariant: 'the trial ran to its end', detail: error.split('\n').slice(0, 3).join(' | '), replay: replay(seed) });
  };
  if (seeds.length === 1 || opts.workers <= 1) {
    for (const seed of seeds) {
      try {
        record(await runTrial(seed, opts.verbose ? { log: (line) => console.log(`  ${line}`) } : {}));
      } catch (err) {
        crashed(seed, err instanceof Error ? (err.stack ?? err.message) : String(err));
      }
    }
  } else {
    await inWorkers(seeds, opts.workers, record, crashed);
  }
  const seconds = (performance.now() - started) / 1000;
  const checks = results.reduce((sum, r) => sum + r.checks, 0);
  const exempt: Record<string, number> = {};
  for (const r of results) for (const [why, n] of Object.entries(r.exempt)) exempt[why] = (exempt[why] ?? 0) + n;
  const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
  const summary = {
    command,
    trials: results.length,
    seeds: seeds.length === 1 ? { seed: seeds[0] } : { from: seeds[0], to: seeds.at(-1) },
    workers: seeds.length === 1 ? 1 : opts.workers,
    invariantChecks: checks,
    violations: failures.length,
    durationSeconds: Math.round(seconds * 10) / 10,
    virtualHours: Math.round(results.reduce((sum, r) => sum + r.virtualS, 0) / 360) / 10,
    notJudged: exempt,
    failures,
  };
  console.log(`${summary.trials} trials, ${checks.toLocaleString('en-US')} invariant checks, ${failures.length} violation(s) in ${seconds.toFixed(1)} s (${summary.workers} worker(s))`);
  for (const f of failures) console.log(`  seed ${f.seed}: ${f.invariant}${f.release ? ` [${f.release}]` : ''}${f.atS !== undefined ? ` at ${f.atS}s` : ''}: ${f.detail}\n    replay: ${f.replay}`);
  if (opts.verbose && results[0]) console.log(`  digest ${results[0].digest}; not judged: ${JSON.stringify(results[0].exempt)}`);
  if (opts.write && seeds.length > 1) {
    const bench = (file: string): string => fileURLToPath(new URL(`../../bench/${file}`, import.meta.url));
    await writeFile(bench('chaos.json'), `${JSON.stringify(summary, null, 2)}\n`);
    await writeFile(bench('chaos.md'), markdown(summary));
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

function toFailure(seed: number, v: Violation): Failure {
  return { seed, invariant: v.invariant, ...(v.release ? { release: v.release } : {}), atS: v.atS, detail: v.detail, replay: replay(seed) };
}

function markdown(s: { command: string; trials: number; workers: number; invariantChecks: number; violations: number; durationSeconds: number; virtualHours: number; notJudged: Record<string, number>; failures: Failure[] }): string {
  const lines = [
    '## Chaos trials',
    '',
    `\`${s.command}\`: ${s.trials.toLocaleString('en-US')} seeded trials (${s.virtualHours} virtual hours), each a random world of 1–6 Releases`,
    'with random faults, people\'s actions and controller kills (see docs/sim-world.md, "Chaos trials").',
    '',
    '| measure | value |',
    '| --- | --- |',
    `| trials | ${s.trials.toLocaleString('en-US')} |`,
    `| invariant checks | ${s.invariantChecks.toLocaleString('en-US')} |`,
    `| violations | ${s.violations} |`,
    `| wall time | ${s.durationSeconds} s on ${s.workers} worker thread(s) |`,
    '',
    'Requirements not judged in a trial, and why (never counted as passes):',
    '',
    '| why | times |',
    '| --- | --- |',
    ...Object.entries(s.notJudged).sort(([a], [b]) => a.localeCompare(b)).map(([why, n]) => `| ${why} | ${n} |`),
  ];
  if (s.failures.length > 0) {
    lines.push('', '| seed | invariant | detail | replay |', '| --- | --- | --- | --- |');
    for (const f of s.failures) lines.push(`| ${f.seed} | ${f.invariant} | ${f.detail.replaceAll('|', '\\|')} | \`${f.replay}\` |`);
  }
  return `${lines.join('\n')}\n`;
}

await main();
