// Blast radius of a bad revision: the same bad revision of the AEP backend deployed three ways
// (keelson canary, keelson rolling, ECS rolling with the circuit breaker), each in its own
// simulator run with the same seed, and what the users of the service felt.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HEALTH_LIMITS } from '../src/health/limits.js';
import { BAD, GOOD, runBadDeploy, STRATEGY_LABELS, type BadRevision, type DeployRun, type Strategy } from './support/bad-deploy.js';
import { count, isMain, minutes, ratio, table } from './support/markdown.js';
import { groupedLogBars, stepLines, svgDocument } from './support/svg.js';

const SEED = 42;
/** Other seeds the canary-against-native ratio is checked on. */
const MORE_SEEDS = [1, 2, 3, 4, 5];
const WINDOW_MS = 60 * 60_000;
const STEP_MS = 5_000;
const HEALTH_INTERVAL_MS = 15_000;
export const PLOT_FILE = fileURLToPath(new URL('./results.svg', import.meta.url));

/** The good revision (aep-backend-prod:11) answers p50/p95/p99 45/140/260 ms, 0.2% 5xx. */
export const BAD_REVISIONS: BadRevision[] = [
  { id: 'crash-on-start', label: 'crash loop on start', profile: { startup: '30s', crashOnStart: { exitCode: 1, after: '5s' } } },
  { id: 'crash-after-warm-up', label: 'crash loop after warm-up', profile: { startup: '30s', crashOnStart: { exitCode: 1, after: '2m' } } },
  { id: '5xx', label: '20% 5xx', profile: { startup: '30s', errorRate: 0.2 } },
  { id: 'p95x2', label: 'p95 doubled', profile: { startup: '30s', latencyMs: { p50: 90, p95: 280, p99: 520 } } },
];

const STRATEGIES: Strategy[] = ['canary', 'rolling', 'ecs'];
const COLOURS: Record<Strategy, string> = { canary: '#2b8a3e', rolling: '#1c7ed6', ecs: '#e03131' };

/** Latency is not an error: for p95 the harm is the slow requests, i.e. those the bad revision answered. */
function harm(run: DeployRun): number {
  return run.bad === 'p95x2' ? run.badServed : run.failed;
}

function backAfter(run: DeployRun): string {
  if (run.trafficBackMs === null) return 'never got traffic';
  if (run.stillServing) return `never (still serving at ${minutes(WINDOW_MS)} min)`;
  return `${minutes(run.trafficBackMs)} min`;
}

function tasksBack(run: DeployRun): string {
  if (run.tasksBackMs === null) return '—';
  return run.tasksBackMs >= WINDOW_MS - STEP_MS ? 'never' : `${minutes(run.tasksBackMs)} min`;
}

function seconds(ms: number | null): string {
  return ms === null ? '—' : `${(ms / 1000).toFixed(0)} s`;
}

function runsTable(runs: DeployRun[]): string {
  const label = (id: string): string => BAD_REVISIONS.find((b) => b.id === id)?.label ?? id;
  return table(
    ['bad revision', 'deployed by', 'requests answered by the bad revision', 'failed requests (5xx + LB 503)', '100% of traffic back on good after', 'no bad task left after', 'reverted by'],
    runs.map((r) => [label(r.bad), STRATEGY_LABELS[r.strategy], count(r.badServed), count(r.failed), backAfter(r), tasksBack(r), r.revertedBy ?? 'nothing']),
  );
}

function ratioTable(runs: DeployRun[]): string {
  const rows = BAD_REVISIONS.map((b) => {
    const of = (s: Strategy): DeployRun => runs.find((r) => r.bad === b.id && r.strategy === s) as DeployRun;
    const canary = harm(of('canary'));
    const ecs = harm(of('ecs'));
    const what = b.id === 'p95x2' ? 'slow requests' : 'failed requests';
    const met = ecs === 0 && canary === 0 ? 'no harm either way' : canary * 10 <= ecs ? 'yes' : 'no';
    return [b.label, what, count(canary), count(harm(of('rolling'))), count(ecs), ratio(ecs, canary), met];
  });
  return table(['bad revision', 'harm counted', 'keelson canary', 'keelson rolling', 'ECS native', 'ECS native ÷ canary', '≥ 10× fewer?'], rows);
}

function revertTable(runs: DeployRun[]): string {
  const rows = runs
    .filter((r) => r.strategy === 'canary' && r.revert)
    .map((r) => {
      const v = r.revert as NonNullable<DeployRun['revert']>;
      const label = BAD_REVISIONS.find((b) => b.id === r.bad)?.label ?? r.bad;
      const restored = v.restoredAt ?? (r.trafficBackMs === null ? v.revertedAt : null);
      const closing = v.windowClosedAt !== null && restored !== null ? restored - v.windowClosedAt : null;
      const due = v.dueAt !== null && restored !== null ? restored - v.dueAt : null;
      const since = (at: number | null): number | null => (at !== null && restored !== null ? restored - at : null);
      const met = due !== null && due <= HEALTH_INTERVAL_MS ? 'yes' : 'no';
      const how = v.restoredAt ? 'weights written' : 'traffic never left blue';
      return [label, v.condition, seconds(since(v.firstServedAt)), seconds(since(v.firstFailedAt)), seconds(closing), seconds(due), how, met];
    });
  return table(
    [
      'bad revision',
      'failing condition',
      'first request to the bad revision → 100% on stable',
      'first failed request → 100% on stable',
      'failFor over → 100% on stable',
      'failFor over and first bad minute published → 100% on stable',
      '100% on stable by',
      '≤ one health interval (15 s) after both?',
    ],
    rows,
  );
}

/** What the figures say, drawn from the runs themselves so it cannot go stale. */
function observations(runs: DeployRun[]): string {
  const of = (bad: string, s: Strategy): DeployRun | undefined => runs.find((r) => r.bad === bad && r.strategy === s);
  const notes: string[] = [];
  const label = (id: string): string => BAD_REVISIONS.find((b) => b.id === id)?.label ?? id;
  const never = runs.filter((r) => r.strategy === 'ecs' && r.stillServing).map((r) => label(r.bad));
  if (never.length > 0) {
    notes.push(
      `ECS native never put the good revision back for: ${never.join(', ')}. The circuit breaker counts only tasks that fail ` +
        'while their deployment is in progress; it never looks at 5xx or latency, and a deployment is complete once the new ' +
        'tasks are healthy and the old ones have drained.',
    );
  }
  const caught = (id: string): boolean => runs.some((r) => r.strategy === 'ecs' && r.bad === id && r.revertedBy === 'circuit breaker');
  if (caught('crash-after-warm-up')) {
    notes.push(
      'The circuit breaker did roll back the crash loop after warm-up: with the default 300 s deregistration delay the old ' +
        'tasks are still draining when the new ones crash 2 minutes in, so the deployment is still in progress and the ' +
        'crashes count as its failed tasks.',
    );
  }
  const late = of('crash-after-warm-up', 'canary');
  const peak = Math.max(0, ...(late?.badSharePerMinute ?? []));
  if (late && peak >= 0.5) {
    notes.push(
      `keelson canary, crash loop after warm-up: both green tasks crashed together at 10%, which is 2 stopped tasks, under ` +
        `the \`ecs-tasks\` threshold of ${HEALTH_LIMITS.ecsStoppedTasksToFail}; load-balancer 503s for a colour with no healthy target are not in \`errorRate\` ` +
        '(target 5xx only), and `targets` waits 3 minutes. ECS replaced the tasks, the pause ended and keelson moved green to ' +
        `50% (peak share ${Math.round(peak * 100)}% in a minute) until the second pair crashed. ${count(late.loadBalancer503)} of its ` +
        `${count(late.failed)} failed requests are those 503s.`,
    );
  }
  const rolling = of('5xx', 'rolling');
  if (rolling && rolling.trafficBackMs !== null) {
    notes.push(
      `keelson rolling has no small first step: ECS moves all traffic to the new tasks as they pass health checks, so the bad ` +
        `revision answered ${count(rolling.badServed)} requests before the \`errors\` window closed and ECS replaced them again ` +
        `(${minutes(rolling.trafficBackMs)} min).`,
    );
  }
  return notes.map((n) => `- ${n}`).join('\n');
}

function plot(runs: DeployRun[]): string {
  const series = STRATEGIES.map((s) => ({ name: STRATEGY_LABELS[s], colour: COLOURS[s] }));
  const bars = groupedLogBars({
    title: 'Harm per bad deploy (failed requests; slow requests for p95)',
    yLabel: 'requests (log scale)',
    groups: BAD_REVISIONS.map((b) => b.label),
    series,
    values: BAD_REVISIONS.map((b) => STRATEGIES.map((s) => harm(runs.find((r) => r.bad === b.id && r.strategy === s) as DeployRun))),
    width: 620,
    height: 360,
  });
  const shown = 15;
  const share = stepLines({
    title: '20% 5xx: share of requests on the bad revision',
    xLabel: 'minutes after the deploy',
    yLabel: 'share of requests',
    series: STRATEGIES.map((s) => ({
      name: STRATEGY_LABELS[s],
      colour: COLOURS[s],
      points: (runs.find((r) => r.bad === '5xx' && r.strategy === s)?.badSharePerMinute ?? []).slice(0, shown).map((v, i) => [i, v] as [number, number]),
    })),
    xMax: shown,
    yMax: 1,
    yTicks: [0, 0.1, 0.25, 0.5, 0.75, 1],
    formatY: (v) => `${Math.round(v * 100)}%`,
    width: 600,
    height: 360,
  });
  return svgDocument([bars, share], `keelson bench: the same bad revision of ${GOOD.split(':')[0]} deployed three ways, simulated AWS, seed ${SEED}`);
}

/** The ratio on other seeds: is the headline figure luck? */
async function seedTable(): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const bad of BAD_REVISIONS.filter((b) => b.id !== 'crash-on-start')) {
    const canary: number[] = [];
    const ecs: number[] = [];
    for (const seed of MORE_SEEDS) {
      canary.push(harm(await runBadDeploy({ strategy: 'canary', bad, seed, windowMs: WINDOW_MS, stepMs: STEP_MS })));
      ecs.push(harm(await runBadDeploy({ strategy: 'ecs', bad, seed, windowMs: WINDOW_MS, stepMs: STEP_MS })));
    }
    const ratios = canary.map((c, i) => (c === 0 ? Infinity : (ecs[i] as number) / c));
    const span = (xs: number[]): string => `${count(Math.min(...xs))}–${count(Math.max(...xs))}`;
    rows.push([bad.label, span(canary), span(ecs), `${ratio(Math.min(...ratios), 1)}–${ratio(Math.max(...ratios), 1)}`]);
  }
  return table([`bad revision (seeds ${MORE_SEEDS.join(', ')})`, 'keelson canary', 'ECS native', 'ECS native ÷ canary'], rows);
}

export async function runAll(): Promise<DeployRun[]> {
  const runs: DeployRun[] = [];
  for (const bad of BAD_REVISIONS) {
    for (const strategy of STRATEGIES) runs.push(await runBadDeploy({ strategy, bad, seed: SEED, windowMs: WINDOW_MS, stepMs: STEP_MS }));
  }
  return runs;
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const started = performance.now();
  const runs = await runAll();
  const seeds = await seedTable();
  await writeFile(PLOT_FILE, plot(runs));
  const wall = ((performance.now() - started) / 1000).toFixed(1);
  const markdown = [
    `The demo world's AEP backend (manifests/sim/world.yaml: 2 tasks of ${GOOD} behind the ALB listener, 50 requests/s), `,
    `seed ${SEED}. Each row is its own simulator run: 2 minutes on ${GOOD}, then ${BAD} (the bad revision) is deployed and `,
    `the next ${minutes(WINDOW_MS)} minutes are watched in ${STEP_MS / 1000}-second steps of virtual time. `,
    'keelson canary is the AEP canary Release of the scenario tests (10% → pause 2m → 50% → analysis 3m → 100%, blue and green ',
    'services); keelson rolling is a rolling Release over aep-backend-blue alone. Both watch `targets` (3m), `errors` (5xx > 5%, 1m) ',
    'and p95 latency (canary: +25% over the stable colour, 1m; rolling: > 175 ms, 1m, having no stable colour to compare with). ',
    'ECS native has no keelson: `update-service` to the bad revision on aep-backend-blue with the deployment circuit breaker ',
    '(enable, rollback; minimumHealthyPercent 100, maximumPercent 200), then time runs.',
    '',
    'Failed requests are those only the deploy caused: the bad revision\'s 5xx, plus load-balancer 503s and requests with nowhere ',
    'to go (the good revision\'s own 0.2% background 5xx is left out). "100% of traffic back" is when the bad revision last answered a request. ',
    `Crash loop on start: the container exits 5 s after starting, before any health check passes. Crash loop after warm-up: it exits `,
    '2 minutes after starting, after passing the health checks and taking traffic.',
    '',
    runsTable(runs),
    '',
    '**keelson canary against ECS native rolling with the circuit breaker** (DESIGN §6 target: ≥ 10× fewer failed requests):',
    '',
    ratioTable(runs),
    '',
    'The same comparison on other seeds (harm as above, smallest–largest):',
    '',
    seeds,
    '',
    '**Time to 100% on stable** in the canary runs (DESIGN §6 target: ≤ one health interval from the failing window closing). ',
    'The window closes at `status.lastRevert.failingSince` + the condition\'s `failFor`. A metric condition cannot see its first ',
    'bad minute before the minute has ended and CloudWatch has published it (the world\'s `metrics.publicationDelay`, 2 min ',
    'by default), so for metrics the bound is one interval after whichever comes later; 100% on stable is the weight write that ',
    'puts blue back to 100 (or the revert itself when green never had traffic). Times are virtual: the wall time of the pass ',
    'itself is not in them (see the CPU per reconcile in the scale section).',
    '',
    revertTable(runs),
    '',
    '**What the runs show:**',
    '',
    observations(runs),
    '',
    `![failed requests per strategy and bad revision; share of requests on the bad revision over time](results.svg)`,
    '',
    `${runs.length + (BAD_REVISIONS.length - 1) * MORE_SEEDS.length * 2} runs, ${wall} s wall.`,
  ].join('\n');
  return { title: 'Blast radius of a bad revision', markdown };
}

if (isMain(import.meta.url)) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
