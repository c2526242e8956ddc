// Found by the chaos trials (seed 39): a manifest removed while the state store could not be
// written rejected the source read with nobody to catch it, which ends a Node process, and the
// Release never became Orphaned. Now the failure is logged with its code and the mark retried.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { settleMicrotasks, VirtualClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { MemorySource } from '../../../src/sources/memory.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { StoreUnavailableError } from '../../../src/store/store.js';
import { canaryRelease } from '../controllers/release/plan-fixtures.js';

/** A store whose status writes fail while `full` is set, as a full disk's would. */
class FillableStore extends MemoryStateStore {
  full = false;
  override async putStatus(release: string, status: ReleaseStatus, fence: { lease: string; token: number }): Promise<void> {
    if (this.full) throw new StoreUnavailableError('ENOSPC', 'cannot write the status: no space left on device');
    return super.putStatus(release, status, fence);
  }
}

describe('a manifest removed while the state store is full', () => {
  it('logs the store error with its code, rejects nothing, and marks the Release Orphaned once the store is back', async () => {
    const clock = new VirtualClock(0);
    const source = new MemorySource('test');
    source.apply(canaryRelease());
    const store = new FillableStore();
    const logs: { code?: string; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { code?: string; msg: string }) });
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown): void => void unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    const controller = new Controller({
      sources: [source],
      store,
      reconciler: { reconcile: async () => ({ status: { phase: 'Healthy' }, actions: [] }) },
      clock,
      logger,
      fence: () => ({ lease: 'controller', token: 1 }),
      resyncMs: 30_000,
      random: () => 0.5,
      queue: (handler) => new WorkQueue({ clock, handler, concurrency: 1 }),
    });
    await controller.start();
    await controller.idle();
    const name = canaryRelease().metadata.name;
    await store.putStatus(name, { phase: 'Healthy' }, { lease: 'controller', token: 1 });

    store.full = true;
    source.remove(name);
    await settleMicrotasks(20);
    expect(unhandled).toEqual([]);
    expect(logs.find((l) => l.msg.includes(`could not record ${name} as Orphaned`))?.code).toBe('StoreUnavailable');
    expect((await store.getStatus(name))?.phase).toBe('Healthy');

    store.full = false;
    await clock.advance(30_000, async () => {
      await settleMicrotasks();
      await controller.idle();
    });
    expect((await store.getStatus(name))?.phase).toBe('Orphaned');
    await controller.stop();
    process.off('unhandledRejection', onUnhandled);
  });
});
