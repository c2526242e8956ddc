import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { MemorySource } from '../../../src/sources/memory.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { canaryRelease } from '../controllers/release/plan-fixtures.js';

describe('Controller labels', () => {
  it('answers the labels of the spec each held Release has now, {} for none, undefined for one not held', async () => {
    const clock = new VirtualClock(0);
    const source = new MemorySource('test');
    const labelled = canaryRelease();
    labelled.metadata = { name: 'web', labels: { team: 'aep', env: 'prod' } };
    const bare = canaryRelease();
    bare.metadata = { name: 'api' };
    bare.spec.cluster = 'other';
    source.apply(labelled);
    source.apply(bare);
    const controller = new Controller({
      sources: [source],
      store: new MemoryStateStore(),
      reconciler: { reconcile: async () => ({ status: { phase: 'Healthy' }, actions: [] }) },
      clock,
      logger: pino({ level: 'silent' }),
      fence: () => ({ lease: 'controller', token: 1 }),
      resyncMs: 60_000,
      random: () => 0.5,
      queue: (handler) => new WorkQueue({ clock, handler, concurrency: 1 }),
    });
    await controller.start();
    expect(controller.labels('web')).toEqual({ team: 'aep', env: 'prod' });
    expect(controller.labels('api')).toEqual({});
    expect(controller.labels('gone')).toBeUndefined();
    // A new spec from the source brings its new labels.
    labelled.metadata.labels = { team: 'aep', env: 'staging' };
    source.apply(labelled);
    await controller.sync(source);
    expect(controller.labels('web')).toEqual({ team: 'aep', env: 'staging' });
    await controller.stop();
  });
});
