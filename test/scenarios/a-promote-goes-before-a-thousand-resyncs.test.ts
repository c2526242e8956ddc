// 1,000 settled Releases resync on a controller whose passes are slower than the resync asks for
// (AWS paced by the call budget, say), so hundreds of them wait in the queue. An operation asked
// for on one Release, and the steps of a rollout in flight, go before that backlog: counted in
// passes started, not in time. The steady Releases are still looked at meanwhile.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { Controller } from '../../src/runtime/controller.js';
import { WorkQueue } from '../../src/runtime/work-queue.js';
import { randomStream } from '../../src/sim/random.js';
import { MemorySource } from '../../src/sources/memory.js';
import { MemoryStateStore } from '../../src/store/memory.js';
import { canaryRelease } from '../unit/controllers/release/plan-fixtures.js';

const STEADY = 1_000;
const CONCURRENCY = 10;
const PERIOD = 60_000;
/** Each pass takes 1.2 s: 10 at a time look at 500 Releases a minute, half of what the resync asks. */
const PASS_MS = 1_200;
const STEP_MS = 30_000;

interface World {
  clock: VirtualClock;
  controller: Controller;
  queue: WorkQueue;
  /** Every pass, in the order they started. */
  started: { name: string; at: number }[];
  /** Starts the rollout of `checkout` (a promote, say): its first step is due now. */
  startRollout(): void;
  /** When each step after the first was due. */
  due: number[];
}

let world: World | undefined;
afterEach(async () => {
  if (!world) return;
  // Stopping drains the queue: the passes left take virtual time.
  let stopped = false;
  const stopping = world.controller.stop().then(() => (stopped = true));
  while (!stopped) await world.clock.advance(60_000);
  await stopping;
  world = undefined;
});

async function start(): Promise<World> {
  const clock = new VirtualClock(0);
  const source = new MemorySource('test');
  const names = [...Array.from({ length: STEADY }, (_, i) => `app-${String(i).padStart(4, '0')}`), 'checkout'];
  names.forEach((name, i) => {
    const release = canaryRelease();
    release.metadata.name = name;
    release.spec.cluster = `cluster-${i}`;
    release.spec.strategy.canary!.traffic = { alb: { listenerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb-${i}/1/2`, targetGroups: { blue: 'b', green: 'g' } } };
    source.apply(release);
  });
  const started: World['started'] = [];
  const due: number[] = [];
  let rollout: { steps: number; dueAt: number } | undefined;
  let queue: WorkQueue | undefined;
  const random = randomStream(7, 'resync');
  const controller = new Controller({
    sources: [source],
    store: new MemoryStateStore(),
    // Settled Releases stay Healthy. checkout, once its rollout starts, takes a step in a pass
    // that finds it due and asks to be looked at again when the next one is, four steps in all.
    reconciler: {
      reconcile: async (desired) => {
        const name = desired.release.metadata.name;
        started.push({ name, at: clock.now() });
        await clock.sleep(PASS_MS);
        const healthy: ReleaseStatus = { phase: 'Healthy', observedGeneration: desired.generation };
        if (name !== 'checkout' || !rollout) return { status: healthy, actions: [] };
        const now = clock.now();
        if (now >= rollout.dueAt) {
          rollout.steps++;
          rollout.dueAt = now + STEP_MS;
          if (rollout.steps < 4) due.push(rollout.dueAt);
        }
        if (rollout.steps >= 4) return { status: healthy, actions: [] };
        return { status: { phase: 'Progressing', observedGeneration: desired.generation, currentStepIndex: rollout.steps }, actions: [], requeueAfter: rollout.dueAt - now };
      },
    },
    clock,
    logger: pino({ level: 'silent' }),
    fence: () => ({ lease: 'controller', token: 1 }),
    resyncMs: PERIOD,
    random: () => random.next(),
    resyncGroup: CONCURRENCY,
    queue: (handler) => (queue = new WorkQueue({ clock, handler, concurrency: CONCURRENCY, random: () => 0 })),
  });
  await controller.start();
  const startRollout = (): void => {
    rollout = { steps: 0, dueAt: clock.now() };
    controller.enqueue('checkout');
  };
  return { clock, controller, queue: queue!, started, startRollout, due };
}

/** Passes of other Releases started after `at` and before the first pass of `name` from `at` on. */
function othersFirst(w: World, name: string, at: number): number {
  const index = w.started.findIndex((p) => p.name === name && p.at >= at);
  expect(index, `${name} ran after ${at}`).toBeGreaterThanOrEqual(0);
  return w.started.slice(0, index).filter((p) => p.at > at).length;
}

describe('the work queue under a resync backlog of 1,000 Releases', () => {
  it('starts a Release an operation was asked for, and each step of a rollout, within one pass of a free worker', async () => {
    const w = (world = await start());
    // Start-up looks at all 1,001; two periods later the resync has built a backlog.
    await w.clock.advance(2 * PERIOD + 30_000);
    const backlog = w.queue.stats().lanes;
    expect(backlog.steady).toBeGreaterThan(300);
    expect(backlog.urgent).toBe(0);

    // A promote (or restart...) asked for through the API: the controller is told at once.
    const before = w.started.length;
    w.startRollout();
    await w.clock.advance(10 * PASS_MS);
    // The very next pass to start, although hundreds of steady ones were queued first.
    expect(w.started[before]?.name).toBe('checkout');

    // Each later step: started with the first free worker once due.
    await w.clock.advance(4 * STEP_MS);
    expect(w.due).toHaveLength(3);
    for (const at of w.due) expect(othersFirst(w, 'checkout', at)).toBe(0);
    expect(w.queue.stats().lanes.steady).toBeGreaterThan(300);
  });
  it('keeps looking at the steady Releases while urgent work waits', async () => {
    const w = (world = await start());
    await w.clock.advance(2 * PERIOD);
    // A burst of urgent work (a new spec for 200 of them, say): steady ones still start, one in five.
    const burst = w.clock.now();
    for (let i = 0; i < 200; i++) w.controller.enqueue(`app-${String(STEADY - 1 - i).padStart(4, '0')}`);
    await w.clock.advance(30 * PASS_MS);
    const during = w.started.filter((p) => p.at >= burst).slice(0, 100);
    const urgent = new Set(Array.from({ length: 200 }, (_, i) => `app-${String(STEADY - 1 - i).padStart(4, '0')}`));
    const steadyStarts = during.filter((p) => !urgent.has(p.name)).length;
    // The 10 passes in flight at the burst, then one steady start per 4 urgent ones.
    expect(steadyStarts).toBeGreaterThanOrEqual(Math.floor(90 / 5));
    expect(steadyStarts).toBeLessThanOrEqual(10 + Math.ceil(90 / 5));
  });
});
