// `keelson get releases --server` at 5,000 Releases: the controller's HTTP server on a memory store
// holding 5,000 statuses (labels from a stand-in controller), then wall-clock times, median of 5:
// the list request alone (in this process), the old way (one request per Release), and the CLI
// end to end as a spawned process, built (node dist/) and through tsx, with its bare start-up
// (`--help`) apart so the request's share is visible.
// The server and the dist/ build are the tests' own (test/integration/server/harness.ts,
// test/cli/global-setup.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ReleaseStatus } from '../src/api/types.js';
import { setup as buildDist } from '../test/cli/global-setup.js';
import { startHarness, type Harness } from '../test/integration/server/harness.js';

const RELEASES = Number(process.env.CLI_GET_RELEASES ?? 5_000);
const RUNS = 5;
const TARGET_MS = 300;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

/** A status as a canary Release carries it after a few rollouts: conditions, health, history. */
function statusOf(name: string, i: number): ReleaseStatus {
  const at = (m: number): string => new Date(Date.UTC(2026, 2, 1, 12, m)).toISOString();
  return {
    observedGeneration: 7,
    phase: i % 50 === 0 ? 'Progressing' : 'Healthy',
    message: i % 50 === 0 ? `step 2/5: 10% to ${name}:12 (green)` : `${name}:11 is stable and healthy`,
    sourceRevision: 'main@sha1:4f2c9e1',
    stableRevision: `${name}:11`,
    desiredRevision: `${name}:${i % 50 === 0 ? 12 : 11}`,
    blockedRevision: null,
    currentStepIndex: i % 50 === 0 ? 1 : null,
    weights: i % 50 === 0 ? { blue: 90, green: 10 } : { blue: 0, green: 100 },
    stableColour: 'green',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Promoted', message: `${name}:11 serves 100%`, lastTransitionTime: at(1) },
      { type: 'Progressing', status: 'False', reason: 'RolloutComplete', message: '', lastTransitionTime: at(2) },
      { type: 'SourceReady', status: 'True', reason: 'Synced', message: 'main@sha1:4f2c9e1', lastTransitionTime: at(0) },
    ],
    health: [
      { name: 'ready', state: 'Passing', since: at(1) },
      { name: 'errors', state: 'Passing', value: 0.4, threshold: '5', since: at(1) },
    ],
    history: Array.from({ length: 5 }, (_, k) => ({ revision: `${name}:${7 + k}`, result: 'Promoted' as const, startedAt: at(k * 10), finishedAt: at(k * 10 + 5) })),
  };
}

interface Timing {
  median: number;
  min: number;
  max: number;
}

async function timed(runs: number, once: () => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]!, max: samples.at(-1)! };
}

async function serve(): Promise<{ harness: Harness; url: string }> {
  const names: string[] = [];
  for (let i = 0; i < RELEASES; i++) names.push(`svc-${String(i).padStart(5, '0')}`);
  const held = new Set(names);
  // The harness's stand-in controller, with labels looked up in a set: its own scans a list per name.
  const harness = await startHarness({
    controller: {
      enqueue: () => {},
      names: () => names,
      sources: () => [],
      labels: (name) => (held.has(name) ? { team: name.endsWith('0') ? 'aep' : 'rastup', env: 'prod' } : undefined),
    },
  });
  for (const [i, name] of names.entries()) await harness.putStatus(name, statusOf(name, i));
  return { harness, url: harness.url };
}

/**
 * Loaded before the CLI in a timed process: writes the process's CPU time (user + system, from its
 * start) to stderr as it exits. Wall time counts the waits of a busy machine too; CPU time hardly.
 */
const CPU_PROBE = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-ms '+(u.user+u.system)/1000+'\\n')})`;

async function cli(args: string[], argv: string[]): Promise<{ stdout: string; cpuMs: number }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', CPU_PROBE, ...args, ...argv], { cwd: ROOT, env: { ...process.env, KEELSON_SERVER: '', KEELSON_CONFIG: '' }, maxBuffer: 64 * 1024 * 1024 });
  return { stdout, cpuMs: Number(/cpu-ms ([\d.]+)/.exec(stderr)?.[1] ?? NaN) };
}

/** Wall and CPU time of `runs` runs of the CLI. */
async function timedCli(runs: number, args: string[], argv: string[]): Promise<{ wall: Timing; cpu: Timing }> {
  const cpu: number[] = [];
  const wall = await timed(runs, async () => cpu.push((await cli(args, argv)).cpuMs));
  cpu.sort((a, b) => a - b);
  return { wall, cpu: { median: cpu[Math.floor(cpu.length / 2)]!, min: cpu[0]!, max: cpu.at(-1)! } };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  await buildDist();
  const loadBefore = os.loadavg()[0]!;
  const { harness, url } = await serve();
  try {
    const list = `${url}/api/v1/releases?view=summary&limit=5000`;
    const plainBytes = (await (await fetch(list, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
    const zipped = await fetch(list, { headers: { 'accept-encoding': 'gzip' } });
    const gzipBytes = Number(zipped.headers.get('content-length'));
    await zipped.arrayBuffer();
    const fullBytes = (await (await fetch(`${url}/api/v1/releases?view=full&limit=5000`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
    const tableList = `${url}/api/v1/releases?view=table&limit=5000`;
    const tableBytes = (await (await fetch(tableList, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
    const tabled = await timed(RUNS, async () => (await fetch(tableList, { headers: { 'accept-encoding': 'identity' } })).json());
    const http = await timed(RUNS, async () => (await fetch(list, { headers: { 'accept-encoding': 'gzip' } })).json());
    const httpPlain = await timed(RUNS, async () => (await fetch(list, { headers: { 'accept-encoding': 'identity' } })).json());
    const selected = await timed(RUNS, async () => (await fetch(`${list}&labelSelector=${encodeURIComponent('team=aep,env in (prod)')}`)).json());
    // Before: the CLI listed the names, then asked for each Release's status, one request each.
    const perRelease = await timed(1, async () => {
      const names = ((await (await fetch(list)).json()) as { releases: { name: string }[] }).releases.map((r) => r.name);
      for (const name of names) await (await fetch(`${url}/api/v1/releases/${name}`)).json();
    });

    const rows: string[] = [];
    const ms = (t: Timing): string => `${t.median.toFixed(0)} ms (${t.min.toFixed(0)}–${t.max.toFixed(0)})`;
    const runners: [string, string[]][] = [['node dist/src/cli/main.js (built)', ['dist/src/cli/main.js']]];
    if (existsSync(`${ROOT}node_modules/tsx`)) runners.push(['tsx src/cli/main.ts', ['--import', 'tsx', 'src/cli/main.ts']]);
    const figures: { runner: string; get: Timing; startup: Timing }[] = [];
    for (const [runner, args] of runners) {
      const out = (await cli(args, ['get', 'releases', '--server', url])).stdout;
      const lines = out.trimEnd().split('\n').length;
      if (lines !== RELEASES + 1) throw new Error(`${runner}: printed ${lines} lines, not ${RELEASES + 1}`);
      const get = await timedCli(RUNS, args, ['get', 'releases', '--server', url]);
      const startup = await timedCli(RUNS, args, ['--help']);
      figures.push({ runner, get: get.wall, startup: startup.wall });
      rows.push(`| \`keelson get releases --server\`, ${runner} | ${ms(get.wall)} | ${ms(get.cpu)} | ${ms(startup.wall)} | ${ms(startup.cpu)} | ${(get.wall.median - startup.wall.median).toFixed(0)} ms |`);
    }
    const built = figures[0]!;
    const verdict =
      built.get.median < TARGET_MS
        ? `within the ${TARGET_MS} ms target`
        : built.startup.median >= TARGET_MS
          ? `over the ${TARGET_MS} ms target; the process start-up alone (Node + loading the CLI's modules) takes ${built.startup.median.toFixed(0)} ms of it`
          : `over the ${TARGET_MS} ms target`;
    const markdown = [
      `${RELEASES.toLocaleString('en')} Releases with status (conditions, health, 5 history entries) in a memory store behind the`,
      `controller's HTTP server; wall-clock medians of ${RUNS} runs (min–max). The machine's load average`,
      `(1 min) was ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end, on ${os.cpus().length} cores: a busy machine`,
      'stretches wall time, while the CPU time of each CLI process (user + system) hardly changes.',
      '',
      '| what | median (min–max) |',
      '| --- | --- |',
      `| \`GET /api/v1/releases?limit=5000\`, gzip, fetched and parsed | ${ms(http)} |`,
      `| the same, without gzip | ${ms(httpPlain)} |`,
      `| the same with \`labelSelector=team=aep,env in (prod)\` | ${ms(selected)} |`,
      `| \`view=table\` (the rows \`keelson get\` prints, what the CLI asks for), without gzip | ${ms(tabled)} |`,
      `| before: one request per Release (${RELEASES.toLocaleString('en')} + 1), one run | ${perRelease.median.toFixed(0)} ms |`,
      '',
      `Body of the summary list: ${(plainBytes / 1024).toFixed(0)} KiB, ${(gzipBytes / 1024).toFixed(0)} KiB gzipped; with \`view=full\`: ${(fullBytes / 1024).toFixed(0)} KiB; with \`view=table\`: ${(tableBytes / 1024).toFixed(0)} KiB.`,
      '',
      `| CLI end to end (spawned process) | \`get releases\` | its CPU time | start-up alone (\`--help\`) | its CPU time | difference |`,
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `The built CLI is ${verdict}.`,
    ].join('\n');
    return { title: '`keelson get` at scale (HTTP list)', markdown };
  } finally {
    await harness.server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
