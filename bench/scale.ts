// Scale: 1,000 / 5,000 / 20,000 Releases on one controller, on the memory, folder and DynamoDB
// state stores: calls per resync period by API in steady state and with 5% of the Releases
// mid-rollout, against each API's documented rate; memory at 20,000 with the simulated world in
// its own process; `keelson rehearse` at 500 / 1,000 / 2,000. Each measurement runs in its own
// child process (node --expose-gc) so that its memory figures are its own.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { rehearse } from '../src/rehearse/rehearse.js';
import { API_BUDGETS } from './support/aws-budgets.js';
import { count, isMain, table } from './support/markdown.js';
import { rehearsalWorld } from './support/rehearse-world.js';
import { CLUSTERS, CONCURRENCY, LATENCY, measureScale, RESYNC_MS, ROLLING_SHARE, ROLLOUT_LEAD_MS, type ScaleFigures, type ScaleOptions, type Window } from './support/scale-run.js';
import { measureMemory, type MemoryFigures, type MemoryOptions, type MemoryPeriod } from './support/scale-memory.js';

/** Sizes per store. DynamoDB is dynalite in this process (its CPU is counted with the controller's), so it stops at 5,000. */
const RUNS: { store: ScaleOptions['store']; sizes: number[] }[] = [
  { store: 'memory', sizes: [1_000, 5_000, 20_000] },
  { store: 'dir', sizes: [1_000, 5_000] },
  { store: 'dynamodb', sizes: [1_000, 5_000] },
];
const LARGEST = 20_000;
/**
 * Resync periods of the memory run at 20,000 (world in its own process): 5 virtual minutes fit the
 * bench's time; `npm run bench:memory-hour` runs a virtual hour (about 48 minutes of wall time on
 * 2 cores) into bench/memory-hour.md, which the section links, so a bench run does not lose it.
 */
const MEMORY_PERIODS = 10;
const HOUR_PERIODS = 120;
const MEMORY_HOUR_FILE = fileURLToPath(new URL('./memory-hour.md', import.meta.url));
const REHEARSE_SIZES = [500, 1_000, 2_000];
const REHEARSE_UNTIL_MS = 3 * 60_000;
const RESULT_PREFIX = 'SCALE_RESULT ';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface RehearsalFigures {
  n: number;
  wallMs: number;
  peakRssKiB: number;
  awsCalls: number;
}

/** Runs one measurement in a child process and reads its figures back. */
function runChild<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return reject(new Error(`scale child ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

const scaleChild = (options: ScaleOptions): Promise<ScaleFigures> => runChild(['--child', JSON.stringify(options)]);
const memoryChild = (options: MemoryOptions): Promise<MemoryFigures> => runChild(['--memory', JSON.stringify(options)]);

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const total = (calls: Record<string, number>, service?: (op: string) => boolean): number =>
  Object.entries(calls).reduce((sum, [op, n]) => sum + (!service || service(op) ? n : 0), 0);
const isStore = (op: string): boolean => op.startsWith('dynamodb:');
const perReconcileCpu = (w: Window): string => `${((w.cpuUserMs + w.cpuSystemMs) / Math.max(1, w.reconciles)).toFixed(3)} ms`;

function callsCell(calls: Record<string, number>): string {
  return Object.entries(calls)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([op, n]) => `${op} ${count(n)}`)
    .join(', ');
}

function callsTable(figures: ScaleFigures[]): string {
  const row = (f: ScaleFigures, label: string, w: Window): (string | number)[] => [
    f.options.store,
    count(f.options.n),
    label,
    count(w.reconciles),
    `${(w.wallMs / 1000).toFixed(1)} s`,
    perReconcileCpu(w),
    count(total(w.calls, (op) => !isStore(op))),
    f.options.store === 'dynamodb' ? count(total(w.calls, isStore)) : '—',
    count(total(w.calls)),
    callsCell(w.calls),
  ];
  return table(
    ['store', 'Releases', 'period', 'reconciles', 'wall', 'CPU per reconcile', 'AWS calls', 'DynamoDB calls', 'all calls', 'calls by operation'],
    figures.flatMap((f) => [
      ...(f.steady ? [row(f, 'steady', f.steady)] : []),
      ...(f.rollout ? [row(f, `${count(f.rollout.rolling)} rolling`, f.rollout)] : []),
    ]),
  );
}

/** Calls per second at the resync period against the documented rate, for the largest run of each store. */
function budgetTable(largest: ScaleFigures, store: ScaleFigures | undefined): string {
  const seconds = RESYNC_MS / 1000;
  const rows: (string | number)[][] = [];
  const add = (f: ScaleFigures, w: Window, label: string, op: string): void => {
    const budget = API_BUDGETS[op];
    const n = w.calls[op] ?? 0;
    const sharedN = budget?.shared ? total(w.calls, (o) => budget.shared?.includes(o) ?? false) : n;
    const rate = sharedN / seconds;
    rows.push([
      op,
      `${count(f.options.n)}, ${label}`,
      count(n),
      (n / seconds).toFixed(1),
      budget?.shared ? `${rate.toFixed(1)} (shared)` : '',
      budget?.perSecond !== undefined ? `${count(budget.perSecond)}/s` : 'not published',
      budget?.perSecond !== undefined ? `${(rate / budget.perSecond).toFixed(1)}×` : '—',
      budget ? `${budget.note} ([page](${budget.url}))` : 'not looked up',
    ]);
  };
  for (const [f, onlyStore] of [[largest, false], ...(store ? [[store, true]] : [])] as [ScaleFigures, boolean][]) {
    for (const [label, w] of [['steady', f.steady], ['5% rolling', f.rollout]] as [string, Window | undefined][]) {
      if (!w) continue;
      for (const op of Object.keys(w.calls).sort()) if (isStore(op) === onlyStore) add(f, w, label, op);
    }
  }
  return table(['API', 'Releases, period', 'calls per period', 'calls/s', 'calls/s on the shared budget', 'documented rate', 'of the rate', 'documented as'], rows);
}

/** Every period of a short run; of a long one the first five, then every tenth and the last. */
function shownPeriods(periods: MemoryPeriod[]): MemoryPeriod[] {
  if (periods.length <= 12) return periods;
  return periods.filter((_, i) => i <= 5 || i % 10 === 0 || i === periods.length - 1);
}

function memoryTable(run: MemoryFigures): string {
  return table(
    ['virtual time', 'controller RSS', 'controller heap used', 'world RSS', 'world heap used', 'reconciles', 'controller CPU per reconcile', 'wall'],
    shownPeriods(run.periods).map((p, i) => [
      `${p.atMs / 1000} s${i === 0 ? ' (settled)' : ''}`,
      mib(p.rss),
      mib(p.heapUsed),
      mib(p.worldRss),
      mib(p.worldHeapUsed),
      count(p.reconciles),
      `${(p.cpuMs / Math.max(1, p.reconciles)).toFixed(3)} ms`,
      `${(p.wallMs / 1000).toFixed(1)} s`,
    ]),
  );
}

/** Controller RSS at the end of the period closest to each virtual time (minutes) reached. */
function rssAt(run: MemoryFigures, minutes: number[]): string {
  const last = run.periods[run.periods.length - 1];
  return minutes
    .filter((m) => last && last.atMs >= m * 60_000)
    .map((m) => {
      const p = run.periods.find((q) => q.atMs >= m * 60_000) as MemoryPeriod;
      return `after ${m} virtual min ${mib(p.rss)}`;
    })
    .join(', ');
}

function steadyCpu(run: MemoryFigures): string {
  const steady = run.periods.slice(1);
  const cpu = steady.reduce((sum, p) => sum + p.cpuMs, 0);
  const reconciles = steady.reduce((sum, p) => sum + p.reconciles, 0);
  return `${(cpu / Math.max(1, reconciles)).toFixed(3)} ms`;
}

export function memoryReport(run: MemoryFigures): string {
  const settled = run.periods[0] as MemoryPeriod;
  const last = run.periods[run.periods.length - 1] as MemoryPeriod;
  const minutes = last.atMs / 60_000;
  const maxRss = Math.max(...run.periods.map((p) => p.rss));
  return [
    `**Memory at ${count(run.options.n)} Releases, the simulated world in its own process** (bench/support/world-process.ts: the same `,
    'controller on createStage, its port calls answered by the Simulator in a child process over a pipe, on the same virtual clock; ',
    'the same calls and outcomes as in process, as test/integration/world-in-its-own-process.test.ts checks). Memory store, steady ',
    `state (no rollouts), resync every ${RESYNC_MS / 1000} s, no per-call latency; RSS and heap after a forced GC at the end of each `,
    `period, in each process. ${run.periods.length - 1} periods after settling (${minutes.toFixed(1)} virtual minutes${run.periods.length - 1 >= HOUR_PERIODS ? '' : '; a virtual hour of resyncs, run separately by `npm run bench:memory-hour`: [bench/memory-hour.md](memory-hour.md)'}). `,
    `Controller RSS after settling ${mib(settled.rss)}, ${rssAt(run, [10, 30, 60])}${minutes < 10 ? `after ${minutes.toFixed(1)} virtual min ${mib(last.rss)}` : ''}; `,
    `highest at a period's end ${mib(maxRss)}, peak RSS of the process (settling included) ${mib(run.peakRss)}; the process before the stage `,
    `(Node.js, tsx and the modules loaded) ${mib(run.rssBefore)} RSS, ${mib(run.heapUsedBefore)} heap. Heap per Release `,
    `${(((last.heapUsed - run.heapUsedBefore) / run.options.n) / 1024).toFixed(1)} KiB. Controller CPU per reconcile in the resync periods ${steadyCpu(run)} `,
    `(the world's CPU is its own process's). The world's heap grows with its CloudWatch datapoints, kept as CloudWatch keeps them. `,
    `Wall ${(run.wallMs / 1000).toFixed(0)} s.`,
    '',
    memoryTable(run),
  ].join('\n');
}

function rehearseTable(figures: RehearsalFigures[]): string {
  return table(
    ['Releases', 'wall', 'wall per Release', 'peak RSS', 'AWS calls'],
    figures.map((f) => [count(f.n), `${(f.wallMs / 1000).toFixed(1)} s`, `${(f.wallMs / f.n).toFixed(1)} ms`, mib(f.peakRssKiB * 1024), count(f.awsCalls)]),
  );
}

function report(figures: ScaleFigures[], memory: MemoryFigures, unbatched: ScaleFigures, rehearsals: RehearsalFigures[]): string {
  const largest = figures.find((f) => f.options.store === 'memory' && f.options.n === LARGEST) as ScaleFigures;
  const dynamo = figures.filter((f) => f.options.store === 'dynamodb').pop();
  const unbatchedSteady = unbatched.steady as Window;
  return [
    `A generated world of N canary stacks (per stack: a task definition family, a blue service with 2 tasks and an idle green `,
    `one, a target group each, one ALB listener with blue at 100), spread over ${CLUSTERS} clusters, and N canary Releases on one `,
    `controller (createStage: the real controller, reconciler and work queue on the simulated AWS in virtual time; work queue `,
    `concurrency ${CONCURRENCY}, resync every ${RESYNC_MS / 1000} s, DescribeServices batching on). Every simulated AWS call waits `,
    `${LATENCY.minMs}–${LATENCY.maxMs} ms of wall-clock time (seeded), under the batching, during the measured periods. The controller `,
    'first adopts every stack (settling, no delay); then one whole resync period is measured in steady state; then ',
    `${ROLLING_SHARE * 100}% of the Releases get a second revision, ${ROLLOUT_LEAD_MS / 1000} s pass (green scaled up, first weight set) and the `,
    'next whole period is measured with them mid-rollout (their phase at its end is counted below). A period: wall time, ',
    '`process.cpuUsage()`, `sim.calls` deltas and, on DynamoDB, the state store\'s calls counted by a middleware on its client. ',
    'The passes due within one virtual second start together (on AWS they would start spread over that second, so batching ',
    'joins here at most what it would join there). CPU includes the in-process simulated AWS answering the calls and ticking ',
    'the world. Stores: memory; a folder (`DirStateStore` on a temporary folder); DynamoDB (dynalite in this process, no added ',
    'delay; the folder store\'s file operations are not counted). The source is in memory for all three (the folder source is ',
    `measured in the pickup section). So that this section runs in a few minutes: ${count(LARGEST)} on the memory store only, and `,
    `${RUNS.map((r) => `${r.store} at ${r.sizes.map(count).join(' / ')}`).join(', ')}; one measured period of each kind per run.`,
    '',
    '**Calls per resync period:**',
    '',
    callsTable(figures),
    '',
    `Phases of the rolling Releases at the end of the measured period (${count(largest.options.n)}): ${Object.entries(largest.rollout?.phases ?? {})
      .map(([k, v]) => `${k} ${count(v)}`)
      .join(', ')}.`,
    '',
    `**Calls per second against each API's documented rate** (calls in a ${RESYNC_MS / 1000} s period ÷ ${RESYNC_MS / 1000}; per account and Region; ELB's Describe* actions share one bucket, DynamoDB reads one budget of read units, at least one per read):`,
    '',
    budgetTable(largest, dynamo),
    '',
    memoryReport(memory),
    '',
    `**\`keelson rehearse\`** (rehearse(), as the command runs it, without the loopback HTTP server) of N Releases, one manifest file each, for `,
    `${REHEARSE_UNTIL_MS / 60_000} virtual minutes, each in its own process:`,
    '',
    rehearseTable(rehearsals),
    '',
    `**Without DescribeServices batching** (${count(unbatched.options.n)} Releases, memory store, steady period): `,
    `${count(unbatchedSteady.calls['ecs:DescribeServices'] ?? 0)} DescribeServices (one per pass), ${count(total(unbatchedSteady.calls))} AWS calls, `,
    `${(unbatchedSteady.wallMs / 1000).toFixed(1)} s wall, ${perReconcileCpu(unbatchedSteady)} CPU per reconcile.`,
  ].join('\n');
}

async function rehearsalChild(n: number): Promise<RehearsalFigures> {
  const { world, releases } = rehearsalWorld(n, CLUSTERS);
  const started = performance.now();
  const result = await rehearse({ world, releases, untilMs: REHEARSE_UNTIL_MS, http: false });
  return { n, wallMs: performance.now() - started, peakRssKiB: process.resourceUsage().maxRSS, awsCalls: total(result.awsCalls) };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const figures: ScaleFigures[] = [];
  for (const { store, sizes } of RUNS) {
    for (const n of sizes) {
      figures.push(await scaleChild({ n, store, batchDescribeServices: true, rollout: true }));
    }
  }
  const memory = await memoryChild({ n: LARGEST, periods: MEMORY_PERIODS });
  const unbatched = await scaleChild({ n: 5_000, store: 'memory', batchDescribeServices: false, rollout: false });
  const rehearsals: RehearsalFigures[] = [];
  for (const n of REHEARSE_SIZES) rehearsals.push(await runChild<RehearsalFigures>(['--rehearse', String(n)]));
  return { title: 'Scale: Releases on one controller', markdown: report(figures, memory, unbatched, rehearsals) };
}

if (isMain(import.meta.url)) {
  const childAt = process.argv.indexOf('--child');
  const rehearseAt = process.argv.indexOf('--rehearse');
  const memoryAt = process.argv.indexOf('--memory');
  if (process.argv.includes('--memory-hour')) {
    const started = performance.now();
    const memory = await memoryChild({ n: LARGEST, periods: HOUR_PERIODS });
    const doc = [
      `# The controller's memory over a virtual hour at ${count(LARGEST)} Releases`,
      '',
      `\`npm run bench:memory-hour\` (bench/scale.ts --memory-hour), ${new Date().toISOString().slice(0, 10)}, Node.js ${process.version}, ${os.cpus().length} CPUs; `,
      `the same run as the memory part of bench/results.md's scale section, for ${HOUR_PERIODS} resync periods. Wall ${((performance.now() - started) / 1000).toFixed(0)} s.`,
      '',
      memoryReport(memory),
      '',
    ].join('\n');
    await writeFile(MEMORY_HOUR_FILE, doc);
    console.log(doc);
  } else if (childAt >= 0) {
    console.log(`${RESULT_PREFIX}${JSON.stringify(await measureScale(JSON.parse(process.argv[childAt + 1] as string) as ScaleOptions))}`);
  } else if (memoryAt >= 0) {
    const options = JSON.parse(process.argv[memoryAt + 1] as string) as MemoryOptions;
    // Progress on stderr: a virtual hour takes a while.
    const figures = await measureMemory(options, (p, i) => process.stderr.write(`memory period ${i}/${options.periods}: ${mib(p.rss)} RSS, ${mib(p.heapUsed)} heap\n`));
    console.log(`${RESULT_PREFIX}${JSON.stringify(figures)}`);
  } else if (rehearseAt >= 0) {
    console.log(`${RESULT_PREFIX}${JSON.stringify(await rehearsalChild(Number(process.argv[rehearseAt + 1])))}`);
  } else {
    const started = performance.now();
    const { title, markdown } = await bench();
    console.log(`## ${title}\n\n${markdown}\n\n_${((performance.now() - started) / 1000).toFixed(0)} s._`);
  }
}
