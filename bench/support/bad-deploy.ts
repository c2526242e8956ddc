// One bad deploy in the demo world's AEP stack, driven one of three ways, with what a user of
// the service would have felt: requests the bad revision answered, requests that failed, and
// how long until the good revision carried all traffic again.
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../../src/api/duration.js';
import type { HealthCondition, Release, ReleaseStatus } from '../../src/api/types.js';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import type { CloudProvider, TargetGroupWeight } from '../../src/cloud/ports.js';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { CLOUDWATCH_DEFAULTS } from '../../src/sim/cloudwatch.js';
import { loadWorld } from '../../src/sim/world-loader.js';
import type { ProfileSpec, SimWorld } from '../../src/sim/world.js';
import { AEP, aepCanary, aepRevision } from '../../test/scenarios/support/releases.js';

const DEMO_WORLD = fileURLToPath(new URL('../../manifests/sim/world.yaml', import.meta.url));

export const GOOD = 'aep-backend-prod:11';
export const BAD = 'aep-backend-prod:14';
/** The traffic entry of the AEP backend listener in the demo world. */
const ENTRY = 'aep-backend';

export type Strategy = 'canary' | 'rolling' | 'ecs';

export const STRATEGY_LABELS: Record<Strategy, string> = {
  canary: 'keelson canary',
  rolling: 'keelson rolling',
  ecs: 'ECS rolling + circuit breaker',
};

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
  /** Of those, load-balancer 503s and requests with nowhere to go. */
  loadBalancer503: number;
  /** All requests on the entry point during the window, for scale. */
  requests: number;
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

/** The health conditions every keelson run watches; rolling has no baseline colour to compare with. */
function conditions(strategy: Strategy): HealthCondition[] {
  const latency: HealthCondition =
    strategy === 'canary'
      ? { name: 'latency-vs-baseline', metric: { builtin: 'latencyP95', maxIncreasePercent: 25 }, failFor: '1m' }
      : { name: 'latency', metric: { builtin: 'latencyP95', max: '175ms' }, failFor: '1m' };
  return [
    { name: 'targets', targetHealth: { maxUnhealthy: 0 }, failFor: '3m' },
    { name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' },
    latency,
  ];
}

function releaseFor(strategy: Strategy, revision: string): Release {
  return aepCanary(revision, (r) => {
    r.spec.health = { interval: '15s', conditions: conditions(strategy) };
    if (strategy === 'rolling') r.spec.strategy = { rolling: { service: AEP.blue } };
  });
}

async function worldFor(options: DeployRunOptions): Promise<SimWorld> {
  const world = await loadWorld(DEMO_WORLD);
  world.faults = [];
  world.timeline = [];
  world.seed = options.seed;
  world.taskDefinitions.push(aepRevision(14, { ...options.bad.profile }));
  const blue = world.services.find((s) => s.name === AEP.blue);
  if (blue && options.strategy === 'ecs') blue.circuitBreaker = { enable: true, rollback: true };
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

function liveBadTasks(stage: Stage): number {
  return stage.sim.inspect.tasks(AEP.cluster, AEP.blue).concat(stage.sim.inspect.tasks(AEP.cluster, AEP.green))
    .filter((t) => familyRevision(t.taskDefinition) === BAD && t.desiredStatus === 'RUNNING').length;
}

export async function runBadDeploy(options: DeployRunOptions): Promise<DeployRun> {
  const writes: { at: number; weights: TargetGroupWeight[] }[] = [];
  const world = await worldFor(options);
  const s = await createStage({
    world,
    seed: options.seed,
    wrapCloud: (cloud, sim) => recordingWeights(writes, () => sim.now)(cloud),
  });
  try {
    const keelson = options.strategy !== 'ecs';
    if (keelson) s.source.apply(releaseFor(options.strategy, GOOD));
    await s.advance(2 * 60_000, { stepMs: options.stepMs });

    const deployAt = s.clock.now();
    const before = s.sim.stats;
    if (keelson) s.source.apply(releaseFor(options.strategy, BAD));
    else s.sim.outOfBand.updateService({ cluster: AEP.cluster, service: AEP.blue, taskDefinition: BAD });

    let lastBadServed = before.byRevision[BAD]?.requests ?? 0;
    let lastServedAt: number | null = null;
    let lastBadTaskAt: number | null = liveBadTasks(s) > 0 ? deployAt : null;
    const failuresBefore = attributableFailures(before);
    let firstFailedAt: number | null = null;
    let firstServedAt: number | null = null;
    await s.advance(options.windowMs, {
      stepMs: options.stepMs,
      onStep: (now) => {
        const stats = s.sim.stats;
        const served = stats.byRevision[BAD]?.requests ?? 0;
        if (served > lastBadServed) {
          lastServedAt = now;
          firstServedAt ??= now;
        }
        lastBadServed = served;
        if (firstFailedAt === null && attributableFailures(stats) > failuresBefore) firstFailedAt = now;
        if (liveBadTasks(s) > 0) lastBadTaskAt = now;
      },
    });

    const after = s.sim.stats;
    const endAt = s.clock.now();
    const delta = (pick: (stats: typeof after) => number | undefined): number => (pick(after) ?? 0) - (pick(before) ?? 0);
    const entryFailed = delta((x) => x.byEntryPoint[ENTRY]?.failed);
    const goodErrors = delta((x) => x.byRevision[GOOD]?.target5xx);
    const status = keelson ? await s.status(releaseFor(options.strategy, BAD).metadata.name) : undefined;
    const last = lastServedAt as number | null;
    const breakerTripped = s.sim.events.some((e) => e.kind === 'deployment.failed');
    const revertedBy = keelson ? (status?.lastRevert?.condition ?? null) : breakerTripped ? 'circuit breaker' : null;
    return {
      strategy: options.strategy,
      bad: options.bad.id,
      badServed: delta((x) => x.byRevision[BAD]?.requests),
      failed: entryFailed - goodErrors,
      loadBalancer503: delta((x) => x.byEntryPoint[ENTRY]?.failed) - delta((x) => x.byEntryPoint[ENTRY]?.target5xx),
      requests: delta((x) => x.byEntryPoint[ENTRY]?.requests),
      trafficBackMs: last === null ? null : last - deployAt,
      stillServing: last !== null && last >= endAt - options.stepMs,
      tasksBackMs: lastBadTaskAt === null ? null : (lastBadTaskAt as number) - deployAt,
      badSharePerMinute: sharePerMinute(after, deployAt, endAt),
      revertedBy,
      ...(status ? { status } : {}),
      ...(status && options.strategy === 'canary' ? { revert: revertTiming(status, writes, deployAt, publicationDelayMs(world), { firstFailedAt, firstServedAt }) } : {}),
    };
  } finally {
    await s.close();
  }
}

function sharePerMinute(stats: Stage['sim']['stats'], from: number, to: number): number[] {
  const entry = new Map((stats.byEntryPoint[ENTRY]?.perMinute ?? []).map((m) => [m.minute, m.requests]));
  const bad = new Map((stats.byRevision[BAD]?.perMinute ?? []).map((m) => [m.minute, m.requests]));
  const out: number[] = [];
  for (let minute = from; minute < to; minute += 60_000) {
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
