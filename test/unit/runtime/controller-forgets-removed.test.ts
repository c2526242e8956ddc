// A Release that leaves its source (or turns invalid) is forgotten by the reconciler: what it
// keeps per Release (its task-definition cache entries) stays the size of the live set.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { MemorySource } from '../../../src/sources/memory.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { canaryRelease } from '../controllers/release/plan-fixtures.js';

function release(i: number) {
  const r = canaryRelease();
  r.metadata.name = `app-${i}`;
  r.spec.cluster = `cluster-${i}`;
  r.spec.strategy.canary!.traffic = { alb: { listenerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb-${i}/1/2`, targetGroups: { blue: 'b', green: 'g' } } };
  return r;
}

describe('the controller tells the reconciler of Releases it no longer holds', () => {
  it('100 Releases, 90 removed from the source and one made invalid: those 91 are forgotten, the others not', async () => {
    const clock = new VirtualClock(0);
    const source = new MemorySource('test');
    for (let i = 0; i < 100; i++) source.apply(release(i));
    const forgotten: string[] = [];
    const controller = new Controller({
      sources: [source],
      store: new MemoryStateStore(),
      reconciler: {
        reconcile: async () => ({ status: { phase: 'Healthy' }, actions: [] }),
        forget: (name) => void forgotten.push(name),
      },
      clock,
      logger: pino({ level: 'silent' }),
      fence: () => ({ lease: 'controller', token: 1 }),
      resyncMs: 60_000,
      random: () => 0.5,
      queue: (handler) => new WorkQueue({ clock, handler, concurrency: 4 }),
    });
    await controller.start();
    await controller.idle();
    expect(forgotten).toEqual([]);

    for (let i = 10; i < 100; i++) source.remove(`app-${i}`);
    source.applyText('apiVersion: keelson.dev/v1alpha1\nkind: Release\nmetadata:\n  name: app-9\nspec:\n  strategy: not a strategy\n', 'app-9.yaml');
    await controller.sync(source);
    await controller.idle();
    expect([...new Set(forgotten)].sort()).toEqual(Array.from({ length: 91 }, (_, i) => `app-${i + 9}`).sort());
    expect(controller.names()).toEqual(Array.from({ length: 9 }, (_, i) => `app-${i}`));
    await controller.stop();
  });
});
