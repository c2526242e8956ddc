// The controller's memory at scale, with the simulated world in its own process: N canary
// Releases settle on one controller (createStage, the memory store), then resync periods run one
// after another in steady state, and after each the controller process's RSS and heap (after a
// GC), and the world process's, are read, with the controller's CPU per reconcile.
import type { Release } from '../../src/api/types.js';
import { createStage } from '../../src/rehearse/stage.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { CLUSTERS, CONCURRENCY, countReconciles, RESYNC_MS } from './scale-run.js';
import { scaleRelease, scaleStacks, scaleWorld } from './scale-world.js';
import type { SimWorld } from '../../src/sim/world.js';
import { WorldProcess } from './world-process.js';

export interface MemoryOptions {
  n: number;
  /** Resync periods after settling. */
  periods: number;
}

/** Told about each period as it ends (a long run shows its progress). */
export type OnPeriod = (period: MemoryPeriod, index: number) => void;

export interface MemoryPeriod {
  /** Virtual time from the start, at the period's end. */
  atMs: number;
  rss: number;
  heapUsed: number;
  worldRss: number;
  worldHeapUsed: number;
  reconciles: number;
  /** The controller process's CPU in the period (the world's is its own). */
  cpuMs: number;
  wallMs: number;
}

export interface MemoryFigures {
  options: MemoryOptions;
  /** The controller process before the stage: Node, the modules, nothing else. */
  rssBefore: number;
  heapUsedBefore: number;
  /** Settling (the first period, adopting every stack) and then each resync period. */
  periods: MemoryPeriod[];
  peakRss: number;
  worldStartMs: number;
  wallMs: number;
}

function heapAfterGc(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

/**
 * Builds the world in the world's process; this one keeps only the Releases, as a controller's
 * source would, and what createStage reads of the world (its start, seed and region).
 */
async function worldElsewhere(n: number): Promise<{ sim: WorldProcess; clock: VirtualClock; stageWorld: SimWorld; releases: Release[] }> {
  const stacks = scaleStacks(n, CLUSTERS);
  const world = scaleWorld(stacks);
  const clock = new VirtualClock(world.start as string);
  const sim = await WorldProcess.start({ world, clock, exposeGc: true });
  const { seed, start, account, region } = world;
  const stageWorld: SimWorld = { seed, start, account, region, clusters: [], taskDefinitions: [], services: [], targetGroups: [] };
  return { sim, clock, stageWorld, releases: stacks.map((s) => scaleRelease(s)) };
}

export async function measureMemory(options: MemoryOptions, onPeriod: OnPeriod = () => {}): Promise<MemoryFigures> {
  const started = performance.now();
  const before = heapAfterGc();
  const { sim, clock, stageWorld, releases } = await worldElsewhere(options.n);
  const worldStartMs = performance.now() - started;
  const stage = await createStage({ world: stageWorld, clock, sim, concurrency: CONCURRENCY, resyncMs: RESYNC_MS, batchDescribeServices: true });
  const reconciles = countReconciles(stage);
  const periods: MemoryPeriod[] = [];
  try {
    const start = clock.now();
    const period = async (work: () => Promise<void>): Promise<void> => {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      const passesBefore = reconciles();
      await work();
      const used = process.cpuUsage(cpu);
      const wallMs = performance.now() - wall;
      const mine = heapAfterGc();
      const theirs = sim.usage({ gc: true }).memory;
      const figures = { atMs: clock.now() - start, rss: mine.rss, heapUsed: mine.heapUsed, worldRss: theirs.rss, worldHeapUsed: theirs.heapUsed, reconciles: reconciles() - passesBefore, cpuMs: (used.user + used.system) / 1000, wallMs };
      periods.push(figures);
      onPeriod(figures, periods.length - 1);
    };
    await period(async () => {
      // Hold the source back while loading, so the controller reads it once, not once per Release.
      stage.source.setUnavailable('loading');
      for (const release of releases.splice(0)) stage.source.apply(release);
      stage.source.setUnavailable(undefined);
      await stage.advance(RESYNC_MS, { stepMs: 5_000 });
    });
    for (let k = 0; k < options.periods; k++) await period(() => stage.advance(RESYNC_MS, { stepMs: 1_000 }));
  } finally {
    await stage.close();
    await sim.close();
  }
  return {
    options,
    rssBefore: before.rss,
    heapUsedBefore: before.heapUsed,
    periods,
    peakRss: process.resourceUsage().maxRSS * 1024,
    worldStartMs,
    wallMs: performance.now() - started,
  };
}
