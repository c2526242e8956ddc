// Scale: 1,000 and 5,000 Releases on one controller in steady state. Each size runs in its own
// child process (node --expose-gc) so that its memory figures are its own.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { count, isMain, table } from './support/markdown.js';
import { measureScale, RESYNC_MS, CONCURRENCY, CLUSTERS, RESYNCS, type ScaleFigures } from './support/scale-run.js';

const SIZES = [1_000, 5_000];
const RESULT_PREFIX = 'SCALE_RESULT ';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs one size in a child process and reads its figures back. */
function runChild(n: number, batch = true): Promise<ScaleFigures> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(n), ...(batch ? [] : ['--no-batch'])];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return reject(new Error(`scale child for ${n} Releases exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ScaleFigures);
    });
  });
}

/** The last resync: steady state. */
const steady = (f: ScaleFigures): ScaleFigures['resyncs'][number] => f.resyncs[f.resyncs.length - 1] as ScaleFigures['resyncs'][number];

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function callsCell(calls: Record<string, number>): string {
  return Object.entries(calls)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([op, n]) => `${op} ${count(n)}`)
    .join(', ');
}

function report(figures: ScaleFigures[], unbatched: ScaleFigures): string {
  const summary = table(
    ['Releases', 'ECS services', 'reconciles in the resync', 'reconciles/s (wall)', 'CPU per reconcile', 'DescribeServices per resync', 'target ceil(services/10)', 'RSS', 'heap used', 'heap used before the Releases'],
    figures.map((f) => {
      const r = steady(f);
      const describe = r.calls['ecs:DescribeServices'] ?? 0;
      const target = Math.ceil(f.services / 10);
      return [
        count(f.n),
        count(f.services),
        count(r.reconciles),
        count(r.reconciles / (r.wallMs / 1000)),
        `${((r.cpuUserMs + r.cpuSystemMs) / Math.max(1, r.reconciles)).toFixed(3)} ms`,
        `${count(describe)} ${describe <= target ? '(met)' : '(over)'}`,
        count(target),
        mib(f.memory.rss),
        mib(f.memory.heapUsed),
        mib(f.memory.heapUsedWorldOnly),
      ];
    }),
  );
  const calls = table(
    ['Releases', 'resync', 'reconciles', 'wall', 'AWS calls in the resync, by operation'],
    figures.flatMap((f) => f.resyncs.map((r, i) => [count(f.n), i + 1, count(r.reconciles), `${(r.wallMs / 1000).toFixed(2)} s`, callsCell(r.calls)])),
  );
  const settle = table(
    ['Releases', 'first passes (adopting the running stacks)', 'wall', 'AWS calls', 'one simulated second of the world'],
    figures.map((f) => [count(f.n), count(f.settle.reconciles), `${(f.settle.wallMs / 1000).toFixed(1)} s`, callsCell(f.settle.calls), `${f.simSecondMs.toFixed(1)} ms`]),
  );
  return [
    `A generated world of N canary stacks (per stack: a task definition family, a blue service with 2 tasks and an idle green `,
    `one, a target group each, one ALB listener with blue at 100), spread over ${CLUSTERS} clusters, and N canary Releases `,
    'already at their stable revision, on one controller (createStage: the real controller, reconciler and work queue on the ',
    `simulated AWS in virtual time; work queue concurrency ${CONCURRENCY}, resync every ${RESYNC_MS / 1000} s, DescribeServices `,
    'batching on). The controller first adopts every stack; then each resync enqueues every Release at once. A resync is ',
    'measured from the moment its timer fires until the queue is idle: wall time, `process.cpuUsage()` (user + system) and ',
    '`sim.calls` deltas. The simulator is brought up to the resync moment before the measurement starts, so the figures are the ',
    "controller's work plus the in-process simulated AWS answering its calls (no network, no SDK). Memory is after a forced GC ",
    'once the Releases have settled, in a child process per size; "before the Releases" is the same process with only the ',
    'simulated world built. The world has no request traffic: in steady state no health condition is measured, so traffic ',
    'would only cost simulation time, not controller work.',
    '',
    `**Steady state** (the last of ${RESYNCS} resyncs):`,
    '',
    summary,
    '',
    '**Every resync:**',
    '',
    calls,
    '',
    '**Settling:**',
    '',
    settle,
    '',
    notes(figures[figures.length - 1] as ScaleFigures),
    '',
    `**Without DescribeServices batching** (${count(unbatched.n)} Releases, \`createStage({batchDescribeServices: false})\`): `,
    `${count(steady(unbatched).calls['ecs:DescribeServices'] ?? 0)} DescribeServices per resync (one per Release), `,
    `${count(steady(unbatched).reconciles / (steady(unbatched).wallMs / 1000))} reconciles/s, `,
    `${((steady(unbatched).cpuUserMs + steady(unbatched).cpuSystemMs) / Math.max(1, steady(unbatched).reconciles)).toFixed(3)} ms CPU per reconcile.`,
  ].join('\n');
}

/** What the steady-state calls say beyond the ECS target, from the largest run. */
function notes(f: ScaleFigures): string {
  const r = steady(f);
  const others = Object.entries(r.calls).filter(([op]) => op !== 'ecs:DescribeServices');
  const total = others.reduce((sum, [, n]) => sum + n, 0);
  return [
    `Besides DescribeServices, a steady resync of ${count(f.n)} Releases still makes ${count(total)} calls that are not batched `,
    `(${others.map(([op, n]) => `${op} ${count(n)}`).join(', ')}): ${count(total / (RESYNC_MS / 1000))} a second at this resync period. `,
    'Batching joins passes that ask in the same turn of the event loop: here every pass runs in-process against the simulator ',
    'and the controller enqueues every Release at once, so the workers stay in step and every call carries 10 names, which is ',
    'the best case. Against AWS each worker waits on its own round trip, so fewer passes can be expected to meet in one turn; ',
    'that is not measured here.',
  ].join('');
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const figures: ScaleFigures[] = [];
  for (const n of SIZES) figures.push(await runChild(n));
  const unbatched = await runChild(SIZES[SIZES.length - 1] as number, false);
  return { title: 'Scale: Releases on one controller', markdown: report(figures, unbatched) };
}

if (isMain(import.meta.url)) {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const figures = await measureScale(Number(process.argv[childAt + 1]), !process.argv.includes('--no-batch'));
    console.log(`${RESULT_PREFIX}${JSON.stringify(figures)}`);
  } else {
    const { title, markdown } = await bench();
    console.log(`## ${title}\n\n${markdown}`);
  }
}
