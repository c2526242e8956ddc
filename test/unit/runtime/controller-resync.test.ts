import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { randomStream } from '../../../src/sim/random.js';
import { MemorySource } from '../../../src/sources/memory.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { canaryRelease } from '../controllers/release/plan-fixtures.js';

const PERIOD = 60_000;
const N = 20;

async function controllerWith(releases: number) {
  const clock = new VirtualClock(0);
  const source = new MemorySource('test');
  for (let i = 0; i < releases; i++) {
    const release = canaryRelease();
    release.metadata.name = `app-${i}`;
    // Each its own stack: Releases sharing one would be refused as conflicting.
    release.spec.cluster = `cluster-${i}`;
    release.spec.strategy.canary!.traffic = { alb: { listenerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb-${i}/1/2`, targetGroups: { blue: 'b', green: 'g' } } };
    source.apply(release);
  }
  const reads = vi.spyOn(source, 'snapshot');
  const passes: { name: string; at: number }[] = [];
  const random = randomStream(3, 'resync');
  const controller = new Controller({
    sources: [source],
    store: new MemoryStateStore(),
    // Asks for no requeue: every later pass comes from the resync alone.
    reconciler: {
      reconcile: async (desired) => {
        passes.push({ name: desired.release.metadata.name, at: clock.now() });
        return { status: { phase: 'Healthy' }, actions: [] };
      },
    },
    clock,
    logger: pino({ level: 'silent' }),
    fence: () => ({ lease: 'controller', token: 1 }),
    resyncMs: PERIOD,
    random: () => random.next(),
    queue: (handler) => new WorkQueue({ clock, handler, concurrency: 4 }),
  });
  await controller.start();
  await controller.idle();
  return { clock, controller, passes, reads };
}

describe('Controller resync', () => {
  it('spreads the resync of many Releases over the period, each looked at once per period', async () => {
    const t = await controllerWith(N);
    expect(t.passes.filter((p) => p.at === 0)).toHaveLength(N);

    await t.clock.advance(3 * PERIOD - 1, async () => {
      await Promise.resolve();
      await t.controller.idle();
    });
    for (const round of [1, 2]) {
      const inRound = t.passes.filter((p) => p.at >= round * PERIOD && p.at < (round + 1) * PERIOD);
      expect(inRound.map((p) => p.name).sort()).toEqual(Array.from({ length: N }, (_, i) => `app-${i}`).sort());
      // Not one burst: the passes of a round fall at many different instants.
      expect(new Set(inRound.map((p) => p.at)).size).toBe(N);
    }
    await t.controller.stop();
  });

  it('still reads every source once per period', async () => {
    const t = await controllerWith(3);
    expect(t.reads).toHaveBeenCalledTimes(1);
    await t.clock.advance(3 * PERIOD, async () => {
      await Promise.resolve();
      await t.controller.idle();
    });
    expect(t.reads).toHaveBeenCalledTimes(4);
    await t.controller.stop();
  });
});
