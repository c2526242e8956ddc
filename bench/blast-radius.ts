// Blast radius of a bad revision: the same bad revision of the AEP backend deployed by keelson
// (the bench-tuned canary at three first weights, rolling, the shipped example) and by the peers'
// own mechanisms (ECS rolling with the circuit breaker or alarms, ECS CANARY and LINEAR,
// CodeDeploy's canary, Flagger's and Argo Rollouts' defaults), each in its own simulator run with
// the same seed, and what the users of the service felt.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../src/api/duration.js';
import {
  BAD,
  deployOffsetMs,
  FIRST_WEIGHT,
  GOOD,
  isKeelson,
  KEELSON,
  runBadDeploy,
  STRATEGY_LABELS,
  type BadRevision,
  type DeployRun,
  type Strategy,
} from './support/bad-deploy.js';
import { isEcsPeer } from './support/ecs-peers.js';
import { count, isMain, minutes, table } from './support/markdown.js';
import { groupedLogBars, stepLines, svgDocument } from './support/svg.js';

const SEED = 42;
/** Seeds the goal is checked on: the deploy moment moves within the minute with the seed. */
const SEEDS = [SEED, 1, 2];
const WINDOW_MS = 60 * 60_000;
const STEP_MS = 5_000;
/** How much over w·rps·d keelson's harm may be (DESIGN §6). */
const LIMIT_FACTOR = 1.2;
export const PLOT_FILE = fileURLToPath(new URL('./results.svg', import.meta.url));

/** The good revision (aep-backend-prod:11) answers p50/p95/p99 45/140/260 ms, 0.2% 5xx. */
export const BAD_REVISIONS: BadRevision[] = [
  { id: 'crash-on-start', label: 'crash loop on start', profile: { startup: '30s', crashOnStart: { exitCode: 1, after: '5s' } } },
  { id: 'crash-after-warm-up', label: 'crash loop after warm-up', profile: { startup: '30s', crashOnStart: { exitCode: 1, after: '2m' } } },
  { id: '5xx', label: '20% 5xx', profile: { startup: '30s', errorRate: 0.2 } },
  { id: 'p95x2', label: 'p95 doubled', profile: { startup: '30s', latencyMs: { p50: 90, p95: 280, p99: 520 } } },
];

const PEERS: Strategy[] = ['ecs', 'ecs-alarms', 'ecs-canary', 'ecs-linear', 'codedeploy', 'flagger', 'argo'];
const STRATEGIES: Strategy[] = [...KEELSON, ...PEERS];
const COLOURS: Record<Strategy, string> = {
  canary: '#2b8a3e',
  'canary-5': '#69db7c',
  'canary-20': '#087f5b',
  rolling: '#1c7ed6',
  example: '#5c940d',
  ecs: '#e03131',
  'ecs-alarms': '#f76707',
  'ecs-canary': '#ae3ec9',
  'ecs-linear': '#7048e8',
  codedeploy: '#c2255c',
  flagger: '#1098ad',
  argo: '#e8590c',
};

/** Names short enough for the chart's legend. */
const SHORT: Record<Strategy, string> = {
  canary: 'keelson canary 10%',
  'canary-5': 'keelson canary 5%',
  'canary-20': 'keelson canary 20%',
  rolling: 'keelson rolling',
  example: 'keelson example',
  ecs: 'ECS rolling + breaker',
  'ecs-alarms': 'ECS rolling + alarms',
  'ecs-canary': 'ECS CANARY 5%',
  'ecs-linear': 'ECS LINEAR 10%',
  codedeploy: 'CodeDeploy canary 10%',
  flagger: 'Flagger',
  argo: 'Argo Rollouts',
};

const label = (id: string): string => BAD_REVISIONS.find((b) => b.id === id)?.label ?? id;

/** What users felt: failed requests, plus slow ones (answered by a revision slower than the good one). */
function harm(run: DeployRun): number {
  return run.failed + run.slow;
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

/**
 * d, the detection time a keelson configuration allows for the condition that reverted: its
 * failFor, or for a metric condition the first bad period's end and publication (window + the
 * world's CloudWatch delay) if that is later, plus one health interval. Null when nothing reverted
 * on a condition (a failed preDeploy job, or no revert at all).
 */
function detectionMs(run: DeployRun): number | null {
  const revert = run.status?.lastRevert;
  if (!revert?.failFor || run.intervalMs === null || revert.failingSince === undefined) return null;
  const failFor = parseDuration(revert.failFor);
  const seen = revert.window ? parseDuration(revert.window) + run.publicationDelayMs : 0;
  return Math.max(failFor, seen) + run.intervalMs;
}

/** w·rps·d: the requests the first step sends to the new revision while the configuration may still be detecting. */
function limit(run: DeployRun): number | null {
  const d = detectionMs(run);
  return d === null ? null : (FIRST_WEIGHT[run.strategy] / 100) * run.rps * (d / 1000);
}

function runsTable(runs: DeployRun[]): string {
  return table(
    ['bad revision', 'deployed by', 'first weight', 'requests answered by the bad revision', 'failed requests (5xx + LB 503)', 'slow requests', '100% of traffic back on good after', 'no bad task left after', 'reverted by'],
    runs.map((r) => [label(r.bad), STRATEGY_LABELS[r.strategy], `${FIRST_WEIGHT[r.strategy]}%`, count(r.badServed), count(r.failed), count(r.slow), backAfter(r), tasksBack(r), r.revertedBy ?? 'nothing']),
  );
}

/** The peers whose first step sends the same share as this keelson run; keelson rolling meets the rolling peers. */
function peersAt(strategy: Strategy): Strategy[] {
  return PEERS.filter((p) => FIRST_WEIGHT[p] === FIRST_WEIGHT[strategy]);
}

interface Verdict {
  fewer: boolean;
  within: boolean | null;
}

function verdict(run: DeployRun, peers: DeployRun[]): Verdict {
  const mine = harm(run);
  const fewer = peers.every((p) => mine < harm(p) || (mine === 0 && harm(p) === 0));
  const cap = limit(run);
  return { fewer, within: cap === null ? (mine === 0 ? true : null) : mine <= LIMIT_FACTOR * cap };
}

function goalTable(bySeed: Map<number, DeployRun[]>): string {
  const main = bySeed.get(SEED) ?? [];
  const rows: (string | number)[][] = [];
  for (const b of BAD_REVISIONS) {
    for (const k of KEELSON) {
      const run = main.find((r) => r.bad === b.id && r.strategy === k);
      if (!run) continue;
      const peers = peersAt(k);
      const d = detectionMs(run);
      const cap = limit(run);
      const yn = (x: boolean | null): string => (x === null ? '—' : x ? 'yes' : 'no');
      const seedVerdicts = SEEDS.map((seed) => {
        const runs = bySeed.get(seed) ?? [];
        const mine = runs.find((r) => r.bad === b.id && r.strategy === k);
        return mine ? verdict(mine, runs.filter((r) => r.bad === b.id && peers.includes(r.strategy))) : undefined;
      }).filter((v): v is Verdict => v !== undefined);
      const v = verdict(run, main.filter((r) => r.bad === b.id && peers.includes(r.strategy)));
      rows.push([
        b.label,
        STRATEGY_LABELS[k],
        `${FIRST_WEIGHT[k]}%`,
        seconds(d),
        cap === null ? '—' : count(cap),
        count(run.failed),
        count(run.slow),
        cap === null ? '—' : (run.failed / cap).toFixed(2),
        cap === null ? '—' : (run.slow / cap).toFixed(2),
        peers.map((p) => `${STRATEGY_LABELS[p]} ${count(harm(main.find((r) => r.bad === b.id && r.strategy === p) as DeployRun))}`).join('; ') || '—',
        `${yn(v.fewer)} (${seedVerdicts.filter((x) => x.fewer).length}/${seedVerdicts.length} seeds)`,
        `${yn(v.within)} (${seedVerdicts.filter((x) => x.within === true).length}/${seedVerdicts.length} seeds)`,
      ]);
    }
  }
  return table(
    [
      'bad revision',
      'keelson',
      'w',
      'd',
      'w·rps·d',
      'failed',
      'slow',
      'failed ÷ w·rps·d',
      'slow ÷ w·rps·d',
      'peers at the same first weight (failed + slow)',
      `fewer than every one of them? (seed ${SEED}; seeds)`,
      `failed + slow ≤ ${LIMIT_FACTOR}× w·rps·d?`,
    ],
    rows,
  );
}

/** Why a peer did as well or better, from the two runs' timings. */
function why(peer: DeployRun, mine: DeployRun): string {
  const reasons: string[] = [];
  if (mine.revertedBy === null) reasons.push(`nothing in ${STRATEGY_LABELS[mine.strategy]} reverted it: none of its conditions watches what went wrong`);
  const first = (r: DeployRun): number => r.firstServedMs ?? Infinity;
  const late = first(peer) - first(mine);
  if (Number.isFinite(late) && late > 0) {
    reasons.push(`the peer sent the bad revision its first request ${seconds(late)} later, after the same start-up, so less of its traffic came before the crash`);
  } else if (Number.isFinite(late) && -late >= 30_000) {
    reasons.push(`keelson sent the bad revision its first request ${seconds(-late)} later, so its first bad minute ended and was published later`);
  }
  const back = (r: DeployRun): number => (r.stillServing || r.trafficBackMs === null ? Infinity : r.trafficBackMs);
  const sooner = back(mine) - back(peer);
  if (sooner > 0 && Number.isFinite(sooner)) {
    const ecsPolls = isEcsPeer(peer.strategy) && peer.strategy !== 'ecs' && mine.intervalMs !== null && sooner <= mine.intervalMs;
    reasons.push(
      `the peer put traffic back ${seconds(sooner)} sooner` +
        (ecsPolls ? ` (ECS reads its deployment alarms every second once the minute is published; keelson's next check comes within its ${seconds(mine.intervalMs)} interval)` : ''),
    );
  }
  // Within 2%: the same requests met the bad revision, and the seeded draws decided which failed.
  if (Math.abs(peer.exposed - mine.exposed) <= 0.02 * Math.max(peer.exposed, mine.exposed) && mine.revertedBy !== null) {
    reasons.push(`${count(peer.exposed)} against ${count(mine.exposed)} requests reached the bad revision: the rest is the seeded draws of which of them fail`);
  }
  if (mine.strategy === 'rolling' && back(peer) === back(mine)) reasons.push('both wait for the same published minute and both end with the same ECS rollback of the service');
  return reasons.length > 0 ? reasons.join('; ') : `requests sent to the bad revision: ${count(peer.exposed)} against ${count(mine.exposed)}`;
}

/** Where a peer does as well or better, with the figures that say why. Drawn from the runs. */
function peerWins(bySeed: Map<number, DeployRun[]>): string {
  const notes: string[] = [];
  for (const [seed, runs] of bySeed) {
    for (const run of runs.filter((r) => isKeelson(r.strategy))) {
      const mine = harm(run);
      for (const peer of runs.filter((r) => r.bad === run.bad && peersAt(run.strategy).includes(r.strategy))) {
        const theirs = harm(peer);
        if (mine < theirs || (mine === 0 && theirs === 0)) continue;
        notes.push(
          `seed ${seed}, ${label(run.bad)}, ${FIRST_WEIGHT[run.strategy]}%: ${mine === theirs ? 'tie' : '**the peer wins**'}, ` +
            `${STRATEGY_LABELS[peer.strategy]} ${count(theirs)} against ${STRATEGY_LABELS[run.strategy]} ${count(mine)}: ${why(peer, run)}.`,
        );
      }
    }
  }
  return notes.length === 0 ? '- No peer did as well as keelson at the same first weight, on any seed.' : notes.map((n) => `- ${n}`).join('\n');
}

/** keelson runs over ${LIMIT_FACTOR}× w·rps·d: where the harm came from, detection or recovery. */
function overLimit(runs: DeployRun[]): string {
  const notes = runs
    .filter((r) => isKeelson(r.strategy))
    .flatMap((r) => {
      const cap = limit(r);
      const d = detectionMs(r);
      if (cap === null || d === null || harm(r) <= LIMIT_FACTOR * cap || r.revertedMs === null || r.trafficBackMs === null) return [];
      // Harm by failures starts at the first failed request (a crash after warm-up), by slowness at the first answer.
      const from = (r.failed >= r.slow ? r.firstFailedMs : r.firstServedMs) ?? 0;
      const end = r.lastHarmMs ?? r.revertedMs;
      return [
        `${STRATEGY_LABELS[r.strategy]}, ${label(r.bad)}: ${count(harm(r))} against w·rps·d ${count(cap)}. The harm began ` +
          `${minutes(from)} min after the deploy and keelson reverted at ${minutes(r.revertedMs)} min ` +
          `(${seconds(r.revertedMs - from)} later; d is ${seconds(d)}); requests were still harmed until ${minutes(end)} min, ` +
          `${seconds(end - r.revertedMs)} after the revert, while ECS started the stable tasks again and the load balancer found them healthy ` +
          `(at ${FIRST_WEIGHT[r.strategy]}% there is no warm colour to send traffic back to).`,
      ];
    });
  return notes.length === 0 ? `- Every keelson run is within ${LIMIT_FACTOR}× w·rps·d.` : notes.map((n) => `- ${n}`).join('\n');
}

function revertTable(runs: DeployRun[]): string {
  const rows = runs
    .filter((r) => r.revert && r.strategy !== 'rolling')
    .map((r) => {
      const v = r.revert as NonNullable<DeployRun['revert']>;
      const label = BAD_REVISIONS.find((b) => b.id === r.bad)?.label ?? r.bad;
      const restored = v.restoredAt ?? (r.trafficBackMs === null ? v.revertedAt : null);
      const closing = v.windowClosedAt !== null && restored !== null ? restored - v.windowClosedAt : null;
      const due = v.dueAt !== null && restored !== null ? restored - v.dueAt : null;
      const since = (at: number | null): number | null => (at !== null && restored !== null ? restored - at : null);
      const met = due !== null && due <= (r.intervalMs ?? 0) ? 'yes' : 'no';
      const how = v.restoredAt ? 'weights written' : 'traffic never left blue';
      return [label, STRATEGY_LABELS[r.strategy], v.condition, seconds(since(v.firstServedAt)), seconds(since(v.firstFailedAt)), seconds(closing), seconds(due), how, met];
    });
  return table(
    [
      'bad revision',
      'deployed by',
      'failing condition',
      'first request to the bad revision → 100% on stable',
      'first failed request → 100% on stable',
      'failFor over → 100% on stable',
      'failFor over and first bad minute published → 100% on stable',
      '100% on stable by',
      '≤ one health interval after both?',
    ],
    rows,
  );
}

/** What the figures say about the peers, drawn from the runs themselves so it cannot go stale. */
function observations(runs: DeployRun[]): string {
  const notes: string[] = [];
  const never = runs.filter((r) => r.stillServing);
  for (const r of never) {
    notes.push(`${STRATEGY_LABELS[r.strategy]}, ${label(r.bad)}: the bad revision was still serving at the end of the window (${count(r.badServed)} requests answered); nothing it watches saw it.`);
  }
  const blocked = runs.filter((r) => r.strategy === 'example' && r.trafficBackMs === null && r.revertedBy !== null);
  if (blocked.length > 0) {
    notes.push(
      `keelson shipped example: its preDeploy migration job runs on the new revision before the new colour starts, so ` +
        `${blocked.map((r) => label(r.bad)).join(', ')} failed as a job (\`${blocked[0]?.revertedBy}\`) and never took traffic.`,
    );
  }
  return notes.map((n) => `- ${n}`).join('\n');
}

function plot(runs: DeployRun[]): string {
  const series = STRATEGIES.map((s) => ({ name: SHORT[s], colour: COLOURS[s] }));
  const bars = groupedLogBars({
    title: 'Harm per bad deploy (failed + slow requests)',
    yLabel: 'requests (log scale)',
    groups: BAD_REVISIONS.map((b) => b.label),
    series,
    values: BAD_REVISIONS.map((b) => STRATEGIES.map((s) => harm(runs.find((r) => r.bad === b.id && r.strategy === s) as DeployRun))),
    width: 1000,
    height: 420,
  });
  const shown = 20;
  const lines: Strategy[] = ['canary', 'rolling', 'ecs', 'ecs-alarms', 'ecs-canary', 'flagger', 'argo'];
  const share = stepLines({
    title: '20% 5xx: share of requests on the bad revision',
    xLabel: 'minutes after the deploy',
    yLabel: 'share of requests',
    series: lines.map((s) => ({
      name: SHORT[s],
      colour: COLOURS[s],
      points: (runs.find((r) => r.bad === '5xx' && r.strategy === s)?.badSharePerMinute ?? []).slice(0, shown).map((v, i) => [i, v] as [number, number]),
    })),
    xMax: shown,
    yMax: 1,
    yTicks: [0, 0.1, 0.25, 0.5, 0.75, 1],
    formatY: (v) => `${Math.round(v * 100)}%`,
    width: 700,
    height: 380,
  });
  return svgDocument([bars, share], `keelson bench: the same bad revision of ${GOOD.split(':')[0]} deployed ${STRATEGIES.length} ways, simulated AWS, seed ${SEED}`);
}

/** Harm on every seed, smallest–largest: is a figure luck? */
function seedTable(bySeed: Map<number, DeployRun[]>): string {
  const rows = BAD_REVISIONS.filter((b) => b.id !== 'crash-on-start').flatMap((b) =>
    STRATEGIES.map((s) => {
      const xs = SEEDS.map((seed) => bySeed.get(seed)?.find((r) => r.bad === b.id && r.strategy === s)).filter((r): r is DeployRun => r !== undefined).map(harm);
      return [b.label, STRATEGY_LABELS[s], `${FIRST_WEIGHT[s]}%`, `${count(Math.min(...xs))}–${count(Math.max(...xs))}`];
    }),
  );
  return table([`bad revision (seeds ${SEEDS.join(', ')})`, 'deployed by', 'first weight', 'failed + slow'], rows);
}

export async function runAll(seed = SEED, bads: BadRevision[] = BAD_REVISIONS): Promise<DeployRun[]> {
  const runs: DeployRun[] = [];
  for (const bad of bads) {
    for (const strategy of STRATEGIES) runs.push(await runBadDeploy({ strategy, bad, seed, windowMs: WINDOW_MS, stepMs: STEP_MS }));
  }
  return runs;
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const started = performance.now();
  const bySeed = new Map<number, DeployRun[]>();
  for (const seed of SEEDS) {
    // A crash loop on start harms no one under any strategy: it is run on the main seed only.
    bySeed.set(seed, await runAll(seed, seed === SEED ? BAD_REVISIONS : BAD_REVISIONS.filter((b) => b.id !== 'crash-on-start')));
  }
  const runs = bySeed.get(SEED) ?? [];
  await writeFile(PLOT_FILE, plot(runs));
  const wall = ((performance.now() - started) / 1000).toFixed(1);
  const total = [...bySeed.values()].reduce((n, r) => n + r.length, 0);
  const markdown = [
    `The demo world's AEP backend (manifests/sim/world.yaml: 2 tasks of ${GOOD} behind the ALB listener, 50 requests/s), `,
    `seed ${SEED}. Each row is its own simulator run: ${GOOD} runs, then ${BAD} (the bad revision) is deployed at `,
    `2 min + (seed·13 mod 60) s (seed ${SEED}: ${(deployOffsetMs(SEED) / 1000).toFixed(0)} s), so that the deploy falls at another point `,
    `of the minute on each seed and minute-aligned metrics flatter no one; the next ${minutes(WINDOW_MS)} minutes are watched in `,
    `${STEP_MS / 1000}-second steps of virtual time. AWS defaults throughout: target groups with 30 s health checks and the `,
    '300 s deregistration delay, CloudWatch publishing a minute 2 minutes after it ends, GetMetricData rounding to the minute.',
    '',
    '**keelson.** *Bench-tuned canary*: the AEP canary Release of the scenario tests (10% → pause 2m → 50% → analysis 3m → 100%), ',
    'also run with 5% and 20% first so that every peer meets keelson at its own first weight; it watches `targets` (3m), ',
    '`errors` (5xx > 5%, 1m) and p95 +25% over the stable colour (1m), every 15 s. *Rolling*: aep-backend-blue alone, same ',
    'conditions with p95 > 175 ms. *Shipped example*: manifests/examples/aep-backend-canary.yaml as shipped (approval by two ',
    'release managers, the `migrate` preDeploy job, 10% → pause 5m → analysis 10m → 50% → pause 5m → 100%, `ready`, ',
    '`errors-5xx`, `latency-p95` (p95 +25% over the stable colour or above 1 s, 2m), `targets`, `alarm-5xx`); its approval gate is met as the release managers would: alice and bob approve ',
    'the revision the moment it is committed.',
    '',
    '**Peers.** *ECS*: `update-service` to the bad revision on aep-backend-blue, nothing else; every ECS row has the ',
    'circuit breaker on with rollback. *+ alarms*: deployment alarms with rollback on four CloudWatch alarms, target 5xx > 10 ',
    'a minute and p95 TargetResponseTime > 175 ms on each colour\'s target group (the lowest thresholds the good revision never ',
    'crosses; AWS has no default). *CANARY* and *LINEAR*: the ECS defaults (5% for 10 minutes; 10% every 6 minutes; ',
    '[canary](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html), ',
    '[linear](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-linear.html)) with the same alarms, the ',
    'backend\'s traffic on a production listener rule. *CodeDeploy* `CodeDeployDefault.ECSCanary10Percent5Minutes` is not in ',
    'the simulator: it is emulated as ECS CANARY 10% for 5 minutes with the same alarms, the same traffic plan. *Flagger*: its ',
    'documented analysis ([tutorial](https://docs.flagger.app/tutorials/istio-progressive-delivery), ',
    '[metrics](https://docs.flagger.app/usage/metrics)) written as a keelson Release: 10% steps every 1m up to 50%, then 100%; ',
    'success rate ≥ 99% and p99 ≤ 500 ms over 1m, checked every 1m, rolled back at the 5th failed check (failFor 4m). *Argo ',
    'Rollouts*: its background-analysis example ([analysis](https://argoproj.github.io/argo-rollouts/features/analysis/)) ',
    'written as a keelson Release: 20/40/60/80% with 10m pauses, success rate ≥ 95% measured every 5m, failing at the 4th ',
    'failed measurement (failFor 15m); the example starts its analysis at the second step, here it runs from the first. ',
    'Flagger and Argo are measured through CloudWatch, as they would be on ECS, not through Prometheus.',
    '',
    'Failed requests are those only the deploy caused: the bad revision\'s 5xx, plus load-balancer 503s and requests with nowhere ',
    'to go (the good revision\'s own 0.2% background 5xx is left out). Slow requests are those the bad revision answered ',
    'without an error while its p95 is above the good revision\'s 140 ms. "100% of traffic back" is when the bad revision last ',
    'answered a request. Crash loop on start: the container exits 5 s after starting, before any health check passes. Crash ',
    'loop after warm-up: it exits 2 minutes after starting, after passing the health checks and taking traffic.',
    '',
    runsTable(runs),
    '',
    `**The goal** (DESIGN §6): fewer failed + slow requests than every peer at the same first weight, and within ${LIMIT_FACTOR}× `,
    'of w·rps·d. *w* is the first step\'s share of traffic, *rps* the service\'s 50 requests/s, and *d* the detection time the ',
    'keelson configuration allows for the condition that reverted (`status.lastRevert`): its `failFor`, or for a metric ',
    'condition its first bad period\'s end and publication (`window` + the 2-minute CloudWatch delay) if that is later, plus one ',
    'health interval. w·rps·d is then the requests the first step sends the new revision while keelson may still be ',
    'detecting. A row with no harm meets both; a failed preDeploy job or no revert at all has no d (—).',
    '',
    goalTable(bySeed),
    '',
    `**keelson over ${LIMIT_FACTOR}× w·rps·d** (seed ${SEED}):`,
    '',
    overLimit(runs),
    '',
    '**Where a peer does as well or better:**',
    '',
    peerWins(bySeed),
    '',
    'Harm on every seed:',
    '',
    seedTable(bySeed),
    '',
    '**Time to 100% on stable** in the keelson runs (DESIGN §6 target: ≤ one health interval from the failing window closing). ',
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
    `![failed and slow requests per strategy and bad revision; share of requests on the bad revision over time](results.svg)`,
    '',
    `${total} runs, ${wall} s wall.`,
  ].join('\n');
  return { title: 'Blast radius of a bad revision', markdown };
}

if (isMain(import.meta.url)) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
