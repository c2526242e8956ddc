// After the lease is taken, every Release is looked at again; the one with a rollout under way goes
// first, not behind 1,000 settled ones that only need their periodic look.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NotLeaderError } from '../../../controllers/release/reconciler.js';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { MemorySource } from '../../../src/sources/memory.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import type { StateStore } from '../../../src/store/store.js';
import { canaryRelease } from '../controllers/release/plan-fixtures.js';

const FENCE = { lease: 'controller', token: 1 };
const SETTLED = 1_000;

function release(name: string, i: number) {
  const r = canaryRelease();
  r.metadata.name = name;
  r.spec.cluster = `cluster-${i}`;
  r.spec.strategy.canary!.traffic = { alb: { listenerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb-${i}/1/2`, targetGroups: { blue: 'b', green: 'g' } } };
  return r;
}

const settled = (): ReleaseStatus => ({ phase: 'Healthy', observedGeneration: 1, stableRevision: 'app:1' }) as ReleaseStatus;

/** 1,000 settled Releases and one mid-rollout (named to sort last), statuses as a previous leader left them. */
async function controllerStandingBy(store: StateStore, ...inFlight: { name: string; status?: ReleaseStatus; operation?: boolean }[]) {
  const clock = new VirtualClock(0);
  const source = new MemorySource('test');
  for (let i = 0; i < SETTLED; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    source.apply(release(name, i));
    await store.putStatus(name, settled(), FENCE);
  }
  for (const [k, r] of inFlight.entries()) {
    source.apply(release(r.name, SETTLED + k));
    await store.putStatus(r.name, r.status ?? settled(), FENCE);
    if (r.operation) await store.requestOperation({ release: r.name, kind: 'promote', requestedBy: 'someone', requestedAt: '2026-01-01T00:00:00Z' } as never);
  }
  let leader = false;
  const passes: string[] = [];
  const controller = new Controller({
    sources: [source],
    store,
    reconciler: {
      reconcile: async (desired) => {
        // As the real reconciler: no pass without the lease.
        if (!leader) throw new NotLeaderError('standing by');
        passes.push(desired.release.metadata.name);
        return { status: (await store.getStatus(desired.release.metadata.name)) as ReleaseStatus, actions: [] };
      },
    },
    clock,
    logger: pino({ level: 'silent' }),
    fence: () => (leader ? FENCE : undefined),
    resyncMs: 3_600_000,
    random: () => 0.5,
    queue: (handler) => new WorkQueue({ clock, handler, concurrency: 1 }),
  });
  await controller.start();
  await controller.idle();
  return {
    controller,
    passes,
    gainLease: async () => {
      leader = true;
      await controller.requeueAll();
      await controller.idle();
    },
  };
}

describe('looking at every Release again after a lease gain', () => {
  it('reconciles the one Release mid-rollout first, before 1,000 settled ones', async () => {
    const store = new MemoryStateStore();
    const rollout = { ...settled(), phase: 'Progressing', rollout: { revision: 'app:2', generation: 1, startedAt: '2026-01-01T00:00:00Z' } } as unknown as ReleaseStatus;
    const t = await controllerStandingBy(store, { name: 'zz-rolling-out', status: rollout });
    expect(t.passes).toEqual([]);
    await t.gainLease();
    expect(t.passes[0]).toBe('zz-rolling-out');
    // Every settled one still gets its look.
    expect(new Set(t.passes).size).toBe(SETTLED + 1);
    await t.controller.stop();
  });

  it('puts first a Release with an operation waiting, or with no status yet; the settled ones after', async () => {
    const store = new MemoryStateStore();
    const t = await controllerStandingBy(store, { name: 'zz-promote-asked', operation: true });
    await store.deleteStatus('app-0500', FENCE);
    await t.gainLease();
    expect(t.passes.slice(0, 2).sort()).toEqual(['app-0500', 'zz-promote-asked']);
    await t.controller.stop();
  });

  it('puts every Release in the urgent lane when the statuses cannot be read', async () => {
    const store = new MemoryStateStore();
    const t = await controllerStandingBy(store, { name: 'zz-rolling-out' });
    store.readReleases = () => Promise.reject(Object.assign(new Error('store down'), { code: 'StoreUnavailable' }));
    await t.gainLease();
    // Urgent, in the order held: as before, when nothing told the lanes apart.
    expect(t.passes.slice(0, 3)).toEqual(['app-0000', 'app-0001', 'app-0002']);
    expect(new Set(t.passes).size).toBe(SETTLED + 1);
    await t.controller.stop();
  });
});
