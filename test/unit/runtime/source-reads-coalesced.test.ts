// Every read of a source (the start-up read, change notices, the periodic read) goes through one
// coalescer: a burst of changes while any read is under way costs one more read, not one each.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { MemorySource } from '../../../src/sources/memory.js';
import type { SourceSnapshot } from '../../../src/sources/source.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { canaryRelease } from '../controllers/release/plan-fixtures.js';

const PERIOD = 60_000;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Turns the event loop until `ok` holds (a bounded number of times). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await turn();
}

/** A source whose reads wait until the test lets them finish, counting how many were asked for. */
class HeldSource extends MemorySource {
  reads = 0;
  inFlight = 0;
  maxInFlight = 0;
  private waiting: (() => void)[] = [];

  override async snapshot(): Promise<SourceSnapshot> {
    this.reads++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight--;
    return super.snapshot();
  }

  /** Lets every read asked for so far finish. */
  finishReads(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Reports n changes, as a folder of manifests applied at once does. */
  burst(n: number): void {
    for (let i = 0; i < n; i++) {
      const release = canaryRelease();
      release.metadata.name = `app-${i}`;
      release.spec.cluster = `cluster-${i}`;
      this.apply(release);
    }
  }
}

function controllerOn(source: HeldSource, clock: VirtualClock): Controller {
  return new Controller({
    sources: [source],
    store: new MemoryStateStore(),
    reconciler: { reconcile: async () => ({ status: { phase: 'Healthy' }, actions: [] }) },
    clock,
    logger: pino({ level: 'silent' }),
    fence: () => ({ lease: 'controller', token: 1 }),
    resyncMs: PERIOD,
    random: () => 0.5,
    queue: (handler) => new WorkQueue({ clock, handler, concurrency: 4 }),
  });
}

/** Lets reads finish until start() (or whatever `done` waits for) is over. */
async function settle(source: HeldSource, done: Promise<unknown>): Promise<void> {
  let over = false;
  void done.then(() => (over = true));
  while (!over) {
    source.finishReads();
    await turn();
  }
}

describe('source reads', () => {
  it('a burst of changes during the start-up read makes one more read, not one each', async () => {
    const clock = new VirtualClock(0);
    const source = new HeldSource('held');
    const controller = controllerOn(source, clock);
    const started = controller.start();
    await turn();
    expect(source.reads).toBe(1);
    source.burst(50);
    await settle(source, started);
    await turn();
    source.finishReads();
    await controller.idle();
    expect(source.reads).toBe(2);
    expect(source.maxInFlight).toBe(1);
    expect(controller.names()).toHaveLength(50);
    await controller.stop();
  });

  it('a burst of changes during the periodic read makes one more read, not one each', async () => {
    const clock = new VirtualClock(0);
    const source = new HeldSource('held');
    const controller = controllerOn(source, clock);
    await settle(source, controller.start());
    expect(source.reads).toBe(1);
    const advanced = clock.advance(PERIOD);
    await until(() => source.reads === 2);
    expect(source.reads).toBe(2);
    source.burst(50);
    await settle(source, advanced);
    for (let i = 0; i < 5; i++) {
      source.finishReads();
      await turn();
    }
    await controller.idle();
    expect(source.reads).toBe(3);
    expect(source.maxInFlight).toBe(1);
    expect(controller.names()).toHaveLength(50);
    await controller.stop();
  });
});
