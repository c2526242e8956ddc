// One bad deploy in the demo world's AEP stack, driven by keelson (several configurations) or by
// a peer's own mechanism, with what a user of the service would have felt: requests the bad
// revision answered, requests that failed, slow requests, and how long until the good revision
// carried all traffic again.
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../../src/api/duration.js';
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import type { CloudProvider, TargetGroupWeight } from '../../src/cloud/ports.js';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { CLOUDWATCH_DEFAULTS } from '../../src/sim/cloudwatch.js';
import { PROFILE_DEFAULTS } from '../../src/sim/profiles.js';
import { loadWorld } from '../../src/sim/world-loader.js';
import type { ProfileSpec, SimWorld } from '../../src/sim/world.js';
import type { OperationRequest } from '../../src/store/store.js';
import { AEP, aepRevision } from '../../test/scenarios/support/releases.js';
import { addPeerAlarms, configurePeer, isEcsPeer, type EcsPeer } from './ecs-peers.js';
import { argoCanary, flaggerCanary, shippedExample, tunedCanary, tunedRolling } from './keelson-configs.js';

const DEMO_WORLD = fileURLToPath(new URL('../../manifests/sim/world.yaml', import.meta.url));

export const GOOD = 'aep-backend-prod:11';
export const BAD = 'aep-backend-prod:14';
/** The traffic entry of the AEP backend listener in the demo world. */
const ENTRY = 'aep-backend';

/** keelson's own configurations: the bench-tuned canary at 10% (and 5%, 20%), rolling, the shipped example. */
export type KeelsonStrategy = 'canary' | 'canary-5' | 'canary-20' | 'rolling' | 'example';
/** Peers: ECS's own mechanisms, and Flagger's and Argo Rollouts' defaults written as keelson configurations. */
export type PeerStrategy = EcsPeer | 'flagger' | 'argo';
export type Strategy = KeelsonStrategy | PeerStrategy;

export const STRATEGY_LABELS: Record<Strategy, string> = {
  canary: 'keelson canary (bench-tuned)',
  'canary-5': 'keelson canary (bench-tuned, 5% first)',
  'canary-20': 'keelson canary (bench-tuned, 20% first)',
  rolling: 'keelson rolling',
  example: 'keelson shipped example',
  ecs: 'ECS rolling + circuit breaker',
  'ecs-alarms': 'ECS rolling + alarms',
  'ecs-canary': 'ECS CANARY + alarms',
  'ecs-linear': 'ECS LINEAR + alarms',
  codedeploy: 'CodeDeploy Canary10Percent5Minutes (as ECS CANARY)',
  flagger: 'Flagger defaults (as keelson)',
  argo: 'Argo Rollouts example (as keelson)',
};

/** The share of traffic the bad revision gets first, in percent. */
export const FIRST_WEIGHT: Record<Strategy, number> = {
  canary: 10,
  'canary-5': 5,
  'canary-20': 20,
  rolling: 100,
  example: 10,
  ecs: 100,
  'ecs-alarms': 100,
  'ecs-canary': 5,
  'ecs-linear': 10,
  codedeploy: 10,
  flagger: 10,
  argo: 20,
};

export const KEELSON: readonly KeelsonStrategy[] = ['canary', 'canary-5', 'canary-20', 'rolling', 'example'];

export function isKeelson(strategy: Strategy): strategy is KeelsonStrategy {
  return (KEELSON as readonly string[]).includes(strategy);
}

/** The deploy moment, varied within the minute by seed so minute-aligned metrics flatter no one. */
export function deployOffsetMs(seed: number): number {
  return 2 * 60_000 + ((seed * 13) % 60) * 1000;
}

export interface BadRevision {
  id: string;
  label: string;
  profile: ProfileSpec;
}

export interface DeployRunOptions {
  strategy: Strategy;
  bad: BadRevision;
  seed: number;
  /** How long after the deploy the run is watched (virtual ms). */
  windowMs: number;
  stepMs: number;
}

export interface DeployRun {
  strategy: Strategy;
  bad: string;
  /** Requests the bad revision answered. */
  badServed: number;
  /** Target 5xx of the bad revision + load-balancer 503s + requests with nowhere to go. */
  failed: number;
  /** Requests the bad revision answered without an error while its p95 is above the good revision's. */
  slow: number;
  /** Requests sent to the bad revision's colour or tasks: answered, or 503 for want of a healthy target. */
  exposed: number;
  deployAt: number;
  /** The service's request rate in the world file. */
  rps: number;
  /** keelson's health interval for this run's Release; null for ECS's own mechanisms. */
  intervalMs: number | null;
  /** The world's CloudWatch publication delay. */
  publicationDelayMs: number;
  /** Of those, load-balancer 503s and requests with nowhere to go. */
  loadBalancer503: number;
  /** All requests on the entry point during the window, for scale. */
  requests: number;
  /** From the deploy to the first step in which the bad revision answered a request; null: never did. */
  firstServedMs: number | null;
  /** From the deploy to the first step in which the deploy caused a failed request; null: none did. */
  firstFailedMs: number | null;
  /** From the deploy to the last step in which the deploy harmed a request (failed, or answered by the bad revision); null: none. */
  lastHarmMs: number | null;
  /** From the deploy to keelson's revert (status.lastRevert.revertedAt); null for the peers that are ECS. */
  revertedMs: number | null;
  /** From the deploy to the last moment the bad revision answered a request; null: never did. */
  trafficBackMs: number | null;
  /** Whether the bad revision still answered requests at the end of the window. */
  stillServing: boolean;
  /** From the deploy until no task of the bad revision was running or starting; null: never. */
  tasksBackMs: number | null;
  /** Share of the entry point's requests the bad revision answered, per minute of the window. */
  badSharePerMinute: number[];
  /** What put the good revision back: keelson's failing condition, the circuit breaker, or nothing. */
  revertedBy: string | null;
  status?: ReleaseStatus;
  /** keelson's revert: the failing window's close, and the write that put traffic back. */
  revert?: {
    condition: string;
    /** failingSince + the condition's failFor. */
    windowClosedAt: number | null;
    /**
     * When the revert could come at the earliest: the window's close, or for a metric condition
     * the first bad minute's publication (failingSince + 60 s + the world's publication delay)
     * if that is later.
     */
    dueAt: number | null;
    /** The weight write that put blue back to 100; null when traffic never left it. */
    restoredAt: number | null;
    revertedAt: number;
    deployAt: number;
    /** The first step in which the deploy caused a failed request. */
    firstFailedAt: number | null;
    /** The first step in which the bad revision answered a request. */
    firstServedAt: number | null;
  };
}

function releaseFor(strategy: Strategy, revision: string): Release | undefined {
  switch (strategy) {
    case 'canary':
      return tunedCanary(revision);
    case 'canary-5':
      return tunedCanary(revision, 5);
    case 'canary-20':
      return tunedCanary(revision, 20);
    case 'rolling':
      return tunedRolling(revision);
    case 'example':
      return shippedExample(revision);
    case 'flagger':
      return flaggerCanary(revision);
    case 'argo':
      return argoCanary(revision);
    default:
      return undefined;
  }
}

async function worldFor(options: DeployRunOptions): Promise<SimWorld> {
  const world = await loadWorld(DEMO_WORLD);
  world.faults = [];
  world.timeline = [];
  world.seed = options.seed;
  world.taskDefinitions.push(aepRevision(14, { ...options.bad.profile }));
  addPeerAlarms(world);
  if (isEcsPeer(options.strategy)) configurePeer(world, options.strategy);
  return world;
}

/** Records when traffic was put back on blue: the write that ends a canary revert. */
function recordingWeights(writes: { at: number; weights: TargetGroupWeight[] }[], now: () => number): (cloud: CloudProvider) => CloudProvider {
  return (cloud) => (region) => {
    const ports = cloud(region);
    return {
      ...ports,
      lb: {
        readWeights: (ref) => ports.lb.readWeights(ref),
        describeTargetHealth: (arn) => ports.lb.describeTargetHealth(arn),
        describeTargetGroups: (arns) => ports.lb.describeTargetGroups(arns),
        async setWeights(ref, weights) {
          const result = await ports.lb.setWeights(ref, weights);
          if (result === 'updated') writes.push({ at: now(), weights: [...weights] });
          return result;
        },
      },
    };
  };
}

function liveBadTasks(stage: Stage, services: string[]): number {
  return services
    .flatMap((name) => stage.sim.inspect.tasks(AEP.cluster, name))
    .filter((t) => familyRevision(t.taskDefinition) === BAD && t.desiredStatus === 'RUNNING').length;
}

/** The two release managers of the demo world approve the revision the example's gate waits on. */
async function approveAsReleaseManagers(s: Stage, release: Release): Promise<void> {
  for (const by of ['alice', 'bob']) {
    const op: Omit<OperationRequest, 'seq'> = { release: release.metadata.name, kind: 'approve', requestedAt: s.clock.now(), requestedBy: by, revision: BAD };
    await s.store.requestOperation(op);
  }
  s.controller.enqueue(release.metadata.name);
}

export async function runBadDeploy(options: DeployRunOptions): Promise<DeployRun> {
  const writes: { at: number; weights: TargetGroupWeight[] }[] = [];
  const world = await worldFor(options);
  const good = releaseFor(options.strategy, GOOD);
  const bad = releaseFor(options.strategy, BAD);
  const s = await createStage({
    world,
    seed: options.seed,
    // The shipped example probes /health/ready over HTTP.
    http: options.strategy === 'example',
    wrapCloud: (cloud, sim) => recordingWeights(writes, () => sim.now)(cloud),
  });
  const services = world.services.filter((x) => x.cluster === AEP.cluster && (x.name === AEP.blue || x.name === AEP.green)).map((x) => x.name);
  try {
    if (good) s.source.apply(good);
    await s.advance(deployOffsetMs(options.seed), { stepMs: options.stepMs });

    const deployAt = s.clock.now();
    const before = s.sim.stats;
    if (bad) {
      s.source.apply(bad);
      if (options.strategy === 'example') await approveAsReleaseManagers(s, bad);
    } else s.sim.outOfBand.updateService({ cluster: AEP.cluster, service: AEP.blue, taskDefinition: BAD });

    let lastBadServed = before.byRevision[BAD]?.requests ?? 0;
    let lastServedAt: number | null = null;
    let lastBadTaskAt: number | null = liveBadTasks(s, services) > 0 ? deployAt : null;
    const failuresBefore = attributableFailures(before);
    let firstFailedAt: number | null = null;
    let firstServedAt: number | null = null;
    let lastHarmAt: number | null = null;
    let failuresSoFar = failuresBefore;
    await s.advance(options.windowMs, {
      stepMs: options.stepMs,
      onStep: (now) => {
        const stats = s.sim.stats;
        const served = stats.byRevision[BAD]?.requests ?? 0;
        const failures = attributableFailures(stats);
        if (served > lastBadServed) {
          lastServedAt = now;
          firstServedAt ??= now;
        }
        if (served > lastBadServed || failures > failuresSoFar) lastHarmAt = now;
        lastBadServed = served;
        failuresSoFar = failures;
        if (firstFailedAt === null && failures > failuresBefore) firstFailedAt = now;
        if (liveBadTasks(s, services) > 0) lastBadTaskAt = now;
      },
    });

    const after = s.sim.stats;
    const endAt = s.clock.now();
    const delta = (pick: (stats: typeof after) => number | undefined): number => (pick(after) ?? 0) - (pick(before) ?? 0);
    const entryFailed = delta((x) => x.byEntryPoint[ENTRY]?.failed);
    const goodErrors = delta((x) => x.byRevision[GOOD]?.target5xx);
    const keelson = bad !== undefined;
    const status = keelson ? await s.status(bad.metadata.name) : undefined;
    const last = lastServedAt as number | null;
    const ecsFailed = s.sim.events.filter((e) => e.kind === 'deployment.failed').map((e) => e.detail ?? '');
    const revertedBy = keelson ? (status?.lastRevert?.condition ?? null) : ecsFailed.length > 0 ? ecsFailureCause(ecsFailed) : null;
    const badServed = delta((x) => x.byRevision[BAD]?.requests);
    const badErrors = delta((x) => x.byRevision[BAD]?.target5xx);
    const loadBalancer503 = delta((x) => x.byEntryPoint[ENTRY]?.failed) - delta((x) => x.byEntryPoint[ENTRY]?.target5xx);
    return {
      strategy: options.strategy,
      bad: options.bad.id,
      badServed,
      failed: entryFailed - goodErrors,
      slow: isSlower(options.bad) ? badServed - badErrors : 0,
      exposed: badServed + loadBalancer503,
      deployAt,
      rps: world.traffic?.find((t) => t.name === ENTRY)?.rps ?? 0,
      intervalMs: bad?.spec.health?.interval ? parseDuration(bad.spec.health.interval) : null,
      publicationDelayMs: publicationDelayMs(world),
      loadBalancer503,
      requests: delta((x) => x.byEntryPoint[ENTRY]?.requests),
      firstServedMs: firstServedAt === null ? null : (firstServedAt as number) - deployAt,
      firstFailedMs: firstFailedAt === null ? null : (firstFailedAt as number) - deployAt,
      lastHarmMs: lastHarmAt === null ? null : (lastHarmAt as number) - deployAt,
      revertedMs: status?.lastRevert ? Date.parse(status.lastRevert.revertedAt) - deployAt : null,
      trafficBackMs: last === null ? null : last - deployAt,
      stillServing: last !== null && last >= endAt - options.stepMs,
      tasksBackMs: lastBadTaskAt === null ? null : (lastBadTaskAt as number) - deployAt,
      badSharePerMinute: sharePerMinute(after, deployAt, endAt),
      revertedBy,
      ...(status ? { status } : {}),
      ...(status && keelson ? { revert: revertTiming(status, writes, deployAt, publicationDelayMs(world), { firstFailedAt, firstServedAt }) } : {}),
    };
  } finally {
    await s.close();
  }
}

/** The good revision's p95 (manifests/sim/world.yaml, aep-backend-prod:11). */
const GOOD_P95_MS = 140;

function isSlower(bad: BadRevision): boolean {
  return (bad.profile.latencyMs?.p95 ?? PROFILE_DEFAULTS.latencyMs.p95) > GOOD_P95_MS;
}

/** What ECS said failed its deployment (shown as is): the event detail after `<id> <revision>: `. */
function ecsFailureCause(details: string[]): string {
  const first = details[0] ?? '';
  const colon = first.indexOf(': ');
  return colon >= 0 ? first.slice(colon + 2) : first;
}

function sharePerMinute(stats: Stage['sim']['stats'], from: number, to: number): number[] {
  const entry = new Map((stats.byEntryPoint[ENTRY]?.perMinute ?? []).map((m) => [m.minute, m.requests]));
  const bad = new Map((stats.byRevision[BAD]?.perMinute ?? []).map((m) => [m.minute, m.requests]));
  const out: number[] = [];
  // Per-minute statistics are keyed by the minute's start; the deploy may fall inside a minute.
  for (let minute = Math.floor(from / 60_000) * 60_000; minute < to; minute += 60_000) {
    const total = entry.get(minute) ?? 0;
    out.push(total > 0 ? (bad.get(minute) ?? 0) / total : 0);
  }
  return out;
}

/** Failures that only the bad deploy causes: the bad revision's 5xx and the load balancer's 503s. */
function attributableFailures(stats: Stage['sim']['stats']): number {
  const entry = stats.byEntryPoint[ENTRY];
  return (stats.byRevision[BAD]?.target5xx ?? 0) + (entry ? entry.failed - entry.target5xx : 0);
}

/** How long after its minute ends the world's CloudWatch shows a datapoint. */
function publicationDelayMs(world: SimWorld): number {
  const set = world.metrics?.publicationDelay;
  return set !== undefined ? parseDuration(set) : CLOUDWATCH_DEFAULTS.publicationDelayMs;
}

function revertTiming(
  status: ReleaseStatus,
  writes: { at: number; weights: TargetGroupWeight[] }[],
  deployAt: number,
  delayMs: number,
  first: { firstFailedAt: number | null; firstServedAt: number | null },
): DeployRun['revert'] {
  const revert = status.lastRevert;
  if (!revert) return undefined;
  const since = revert.failingSince ? Date.parse(revert.failingSince) : null;
  const windowClosedAt = since === null ? null : since + parseDuration(revert.failFor ?? '0s');
  // A metric's first bad minute is seen only once it has ended and been published.
  const dueAt = since === null || windowClosedAt === null ? null : revert.window ? Math.max(windowClosedAt, since + 60_000 + delayMs) : windowClosedAt;
  const blueBack = writes.find((w) => w.at >= deployAt && w.weights.some((x) => x.targetGroupArn === AEP.blueTg && x.weight === 100));
  return { condition: revert.condition, windowClosedAt, dueAt, restoredAt: blueBack?.at ?? null, revertedAt: Date.parse(revert.revertedAt), deployAt, ...first };
}
