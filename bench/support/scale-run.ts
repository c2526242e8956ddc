// One scale measurement: N canary Releases settle on one controller, then whole resyncs are
// measured (wall, CPU, AWS calls by operation) and the process's memory is read after a GC.
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { scaleRelease, scaleStacks, scaleWorld } from './scale-world.js';

export const CLUSTERS = 5;
export const CONCURRENCY = 10;
export const RESYNC_MS = 30_000;
export const RESYNCS = 3;

interface Window {
  reconciles: number;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  calls: Record<string, number>;
}

export interface ScaleFigures {
  n: number;
  batchDescribeServices: boolean;
  services: number;
  settle: Window;
  resyncs: Window[];
  memory: { rss: number; heapUsed: number; heapTotal: number; heapUsedWorldOnly: number };
  /** Wall time of one simulated second of the whole world (every service, task and target). */
  simSecondMs: number;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Counts passes: every reconcile starts by reading its Release from the store (a pass that changed nothing writes nothing). */
function countReconciles(stage: Stage): () => number {
  let passes = 0;
  const read = stage.store.readReleases.bind(stage.store);
  stage.store.readReleases = (names) => {
    passes += names.length;
    return read(names);
  };
  return () => passes;
}

/** Measures whatever `work` does to the process and to the simulated AWS. */
async function measured(stage: Stage, reconciles: () => number, work: () => Promise<void>): Promise<Window> {
  const calls = { ...stage.sim.calls };
  const passes = reconciles();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const delta: Record<string, number> = {};
  for (const [op, n] of Object.entries(stage.sim.calls)) if (n - (calls[op] ?? 0) > 0) delta[op] = n - (calls[op] ?? 0);
  return { reconciles: reconciles() - passes, wallMs, cpuUserMs: used.user / 1000, cpuSystemMs: used.system / 1000, calls: delta };
}

export async function measureScale(n: number, batchDescribeServices = true): Promise<ScaleFigures> {
  const stacks = scaleStacks(n, CLUSTERS);
  const stage = await createStage({ world: scaleWorld(stacks), concurrency: CONCURRENCY, resyncMs: RESYNC_MS, batchDescribeServices });
  try {
    const start = stage.clock.now();
    collectGarbage();
    const heapUsedWorldOnly = process.memoryUsage().heapUsed;
    const reconciles = countReconciles(stage);

    // Hold the source back while loading, so the controller reads it once, not once per Release.
    stage.source.setUnavailable('loading');
    for (const s of stacks) stage.source.apply(scaleRelease(s));
    const settle = await measured(stage, reconciles, async () => {
      stage.source.setUnavailable(undefined);
      await stage.advance(RESYNC_MS - 1_000, { stepMs: 5_000 });
    });
    collectGarbage();
    const mem = process.memoryUsage();

    const resyncs: Window[] = [];
    for (let k = 1; k <= RESYNCS; k++) {
      const resyncAt = start + k * RESYNC_MS;
      await stage.advance(resyncAt - 1_000 - stage.clock.now(), { stepMs: 5_000 });
      // The world catches up to the resync moment first: the window holds the controller's work.
      stage.sim.advanceTo(resyncAt);
      resyncs.push(await measured(stage, reconciles, () => stage.advance(1_000, { stepMs: 1_000 })));
    }

    const tickStarted = performance.now();
    const ticks = 10;
    stage.sim.advanceTo(stage.clock.now() + ticks * 1_000);
    const simSecondMs = (performance.now() - tickStarted) / ticks;

    return {
      n,
      batchDescribeServices,
      services: stacks.length * 2,
      settle,
      resyncs,
      memory: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, heapUsedWorldOnly },
      simSecondMs,
    };
  } finally {
    await stage.close();
  }
}
