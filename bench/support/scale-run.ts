// One scale measurement: N canary Releases settle on one controller, then whole resync periods
// are measured (wall, CPU, calls by operation to AWS and to the state store), in steady state and
// with a share of the Releases mid-rollout. Memory is measured by scale-memory.ts, with the world
// in its own process.
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { untilSettledOrWaiting } from '../../src/sim/clock-waits.js';
import { withCallLatency, type CallLatency } from './call-latency.js';
import { openBenchStore, type StoreKind } from './scale-stores.js';
import { scaleRelease, scaleStacks, scaleWorld, withSecondRevision, type ScaleStack } from './scale-world.js';

export const CLUSTERS = 5;
/**
 * Passes at once. A pass waits on 3–4 AWS round trips in turn (~40 ms at 5–15 ms each), so one
 * controller keeps a 30 s period for N Releases only with more than N × 40 ms / 30 s passes at
 * once: 27 at 20,000.
 */
export const CONCURRENCY = 50;
export const RESYNC_MS = 30_000;
/** The share of Releases given a new revision before the rollout window. */
export const ROLLING_SHARE = 0.05;
/** Virtual time between the new revisions and the measured period: green up, first weight set. */
export const ROLLOUT_LEAD_MS = 60_000;
export const LATENCY = { minMs: 5, maxMs: 15 } as const;

export interface Window {
  reconciles: number;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** AWS and state-store calls in the window, by `service:Operation`. */
  calls: Record<string, number>;
}

export interface ScaleOptions {
  n: number;
  store: StoreKind;
  batchDescribeServices: boolean;
  /** Measure a period with 5% of the Releases mid-rollout after the steady one. */
  rollout: boolean;
}

export interface ScaleFigures {
  options: ScaleOptions;
  steady?: Window;
  rollout?: Window & { rolling: number; phases: Record<string, number> };
  /** Virtual time run, from the start. */
  virtualMs: number;
}

/**
 * Moves virtual time a second at a time; the passes due within each second start together and
 * the second ends when they are done. Settling after every timer instead (Stage.advance) would
 * run the passes one after another, each waiting out its round trips alone: 20,000 × 40 ms.
 */
async function advanceBySeconds(stage: Stage, ms: number): Promise<void> {
  const end = stage.clock.now() + ms;
  while (stage.clock.now() < end) {
    await stage.clock.advanceTo(Math.min(end, stage.clock.now() + 1_000), async () => {});
    stage.sim.advanceTo(stage.clock.now());
    await untilSettledOrWaiting(stage.controller.idle(), stage.sim.waits);
  }
}

/** Counts passes: every reconcile starts by reading its Release from the store (a pass that changed nothing writes nothing). */
export function countReconciles(stage: Pick<Stage, 'store'>): () => number {
  let passes = 0;
  const read = stage.store.readReleases.bind(stage.store);
  stage.store.readReleases = (names) => {
    passes += names.length;
    return read(names);
  };
  return () => passes;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(after)) if (n - (before[op] ?? 0) > 0) out[op] = n - (before[op] ?? 0);
  return out;
}

/** Measures whatever `work` does to the process, to the simulated AWS and to the state store. */
async function measured(counters: Record<string, number>[], reconciles: () => number, work: () => Promise<void>): Promise<Window> {
  const before = counters.map((c) => ({ ...c }));
  const passes = reconciles();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const calls = Object.assign({}, ...counters.map((c, i) => delta(c, before[i] as Record<string, number>))) as Record<string, number>;
  return { reconciles: reconciles() - passes, wallMs, cpuUserMs: used.user / 1000, cpuSystemMs: used.system / 1000, calls };
}

/** Phase and step of each Release, counted: what the rolling ones are doing. */
async function phases(stage: Stage, stacks: readonly ScaleStack[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const s of stacks) {
    const status = await stage.status(s.name);
    const key = `${status?.phase ?? 'none'}${status?.currentStepIndex !== undefined ? ` step ${status.currentStepIndex}` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export async function measureScale(options: ScaleOptions): Promise<ScaleFigures> {
  const { n } = options;
  const stacks = scaleStacks(n, CLUSTERS);
  const rolling = stacks.slice(0, Math.ceil(n * ROLLING_SHARE));
  const world = withSecondRevision(scaleWorld(stacks), options.rollout ? rolling : []);
  const clock = new VirtualClock(world.start);
  const benchStore = await openBenchStore(options.store, clock);
  const latency: CallLatency = { ...LATENCY, seed: 11, on: false };
  const stage = await createStage({
    world,
    clock,
    store: benchStore.store,
    concurrency: CONCURRENCY,
    resyncMs: RESYNC_MS,
    batchDescribeServices: options.batchDescribeServices,
    wrapSimProvider: (provider) => withCallLatency(provider, latency),
  });
  try {
    const start = stage.clock.now();
    const reconciles = countReconciles(stage);
    const counters = [stage.sim.calls, benchStore.calls];
    // A measured period has round trips; settling and the rollout lead do not.
    const period = async (): Promise<Window> => {
      latency.on = true;
      const window = await measured(counters, reconciles, () => advanceBySeconds(stage, RESYNC_MS));
      latency.on = false;
      return window;
    };
    const figures: Omit<ScaleFigures, 'virtualMs'> = { options };

    // Hold the source back while loading, so the controller reads it once, not once per Release.
    stage.source.setUnavailable('loading');
    for (const s of stacks) stage.source.apply(scaleRelease(s));
    stage.source.setUnavailable(undefined);
    await stage.advance(RESYNC_MS, { stepMs: 5_000 });

    figures.steady = await period();

    if (options.rollout) {
      for (const s of rolling) stage.source.apply(scaleRelease(s, `${s.name}:2`));
      await stage.advance(ROLLOUT_LEAD_MS, { stepMs: 5_000 });
      const window = await period();
      figures.rollout = { ...window, rolling: rolling.length, phases: await phases(stage, rolling) };
    }

    return { ...figures, virtualMs: stage.clock.now() - start };
  } finally {
    await stage.close();
    await benchStore.close();
  }
}
