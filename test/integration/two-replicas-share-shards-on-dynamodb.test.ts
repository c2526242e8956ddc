// Two controllers in one process, each its own replica, over one DynamoDB state table (dynalite),
// one source of 40 Releases and one simulated AWS, in virtual time: the 8 shards split between
// them, a replica cut off from the store has its shards taken over within one lease period, it
// takes its share back when it comes again, and no Release is ever acted on by both.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateHealth } from '../../controllers/release/health.js';
import { Reconciler } from '../../controllers/release/reconciler.js';
import type { Release } from '../../src/api/types.js';
import { batchDescribeServices } from '../../src/cloud/batching.js';
import type { CloudProvider, UpdateServiceInput } from '../../src/cloud/ports.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { Controller } from '../../src/runtime/controller.js';
import { ShardKeeper } from '../../src/runtime/shard-keeper.js';
import { shardLeaseName } from '../../src/runtime/shard-of.js';
import { followShards, shardedQueue } from '../../src/runtime/sharded-queue.js';
import { WorkQueue } from '../../src/runtime/work-queue.js';
import { untilSettledOrWaiting } from '../../src/sim/clock-waits.js';
import { randomStream } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import type { SimWorld } from '../../src/sim/world.js';
import { MemorySource } from '../../src/sources/memory.js';
import { DynamoStateStore } from '../../src/store/dynamodb-store.js';
import { StoreUnavailableError, type StateStore } from '../../src/store/store.js';
import { untilIo } from '../helpers/clock.js';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.js';

const RELEASES = 40;
const SHARDS = 8;
const TTL = 15_000;
const LEASE = 'keelson';
const names = Array.from({ length: RELEASES }, (_, i) => `app-${String(i).padStart(2, '0')}`);

function world(): SimWorld {
  return {
    seed: 3,
    start: '2026-03-02T09:00:00Z',
    clusters: ['prod'],
    taskDefinitions: names.flatMap((name) =>
      [1, 2, 3].map((revision) => ({ family: name, revision, containers: [{ name: 'app', image: `example.com/${name}:${revision}`, port: 8080 }] })),
    ),
    services: names.map((name) => ({ cluster: 'prod', name: `${name}-svc`, taskDefinition: `${name}:1`, desiredCount: 2 })),
    targetGroups: [],
  };
}

const release = (name: string, revision: number): Release => ({
  apiVersion: 'keelson.dev/v1alpha1',
  kind: 'Release',
  metadata: { name },
  spec: { cluster: 'prod', revision: { taskDefinition: `${name}:${revision}` }, replicas: 2, strategy: { rolling: { service: `${name}-svc` } }, rollback: { auto: true, bakeTime: '30s' } },
});

interface Pass {
  replica: string;
  release: string;
  token: number | undefined;
  begin: number;
  end: number;
}
interface Write {
  replica: string;
  release: string;
  /** The fence the writing replica held for the Release at the moment of the write. */
  token: number | undefined;
}

let local: LocalDynamo;
let clock: VirtualClock;
let sim: Simulator;
const source = new MemorySource('releases');
const passes: Pass[] = [];
const writes: Write[] = [];
/** Orders the begin and end of every pass across both replicas. */
let seq = 0;
let storeCallsInFlight = 0;
const logger = pino({ level: 'silent' });

/** The replica's store: counts calls under way (time moves only when none is), and can be cut off. */
function gate(inner: StateStore): StateStore & { cut: boolean } {
  const state = { cut: false };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'cut') return state.cut;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        storeCallsInFlight++;
        try {
          if (state.cut) throw new StoreUnavailableError('ECONNREFUSED', 'state store unreachable');
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          storeCallsInFlight--;
        }
      };
    },
    set(_target, prop, value) {
      if (prop !== 'cut') return false;
      state.cut = value as boolean;
      return true;
    },
  }) as StateStore & { cut: boolean };
}

/** Records every ECS write with the fence the replica held for that Release right then. */
function recordWrites(provider: CloudProvider, replica: string, keeper: ShardKeeper): CloudProvider {
  return (region) => {
    const ports = provider(region);
    const ecs = new Proxy(ports.ecs, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'updateService' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (input: UpdateServiceInput) => {
          const name = input.service.replace(/-svc$/, '');
          writes.push({ replica, release: name, token: keeper.fence(name)?.token });
          return (value as (i: UpdateServiceInput) => Promise<unknown>).call(target, input);
        };
      },
    });
    return { ...ports, ecs };
  };
}

interface Replica {
  id: string;
  keeper: ShardKeeper;
  controller: Controller;
  store: StateStore & { cut: boolean };
}
const replicas: Replica[] = [];

async function startReplica(id: string): Promise<Replica> {
  const store = gate(new DynamoStateStore({ client: local.newClient(), table: 'state', clock }));
  const keeper = new ShardKeeper({ store, clock, holder: id, lease: LEASE, shards: SHARDS, ttlMs: TTL });
  const fence = (name: string) => keeper.fence(name);
  const reconciler = new Reconciler({ cloud: recordWrites(batchDescribeServices(sim.provider), id, keeper), store, clock, health: evaluateHealth, events: { emit: () => undefined }, logger, fence });
  const recorded = {
    async reconcile(...args: Parameters<Reconciler['reconcile']>) {
      const name = args[0].release.metadata.name;
      const pass: Pass = { replica: id, release: name, token: keeper.fence(name)?.token, begin: seq++, end: Infinity };
      passes.push(pass);
      try {
        return await reconciler.reconcile(...args);
      } finally {
        pass.end = seq++;
      }
    },
  };
  const random = randomStream(7, `queue-${id}`);
  const controller = new Controller({
    sources: [source],
    store,
    reconciler: recorded,
    clock,
    logger,
    fence,
    resyncMs: 30_000,
    random: () => random.next(),
    queue: shardedQueue((handler) => new WorkQueue({ clock, handler, concurrency: 4, random: () => random.next() }), keeper),
  });
  followShards(keeper, controller);
  await keeper.start();
  await controller.start();
  const replica = { id, keeper, controller, store };
  replicas.push(replica);
  return replica;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await untilIo(() => storeCallsInFlight === 0);
    await Promise.all(replicas.map((r) => untilSettledOrWaiting(r.controller.idle(), sim.waits)));
    await untilIo(() => storeCallsInFlight === 0);
    if (storeCallsInFlight === 0) return;
  }
}

async function advance(ms: number, until: () => boolean = () => false, stepMs = 500): Promise<void> {
  const end = clock.now() + ms;
  await settle();
  while (clock.now() < end && !until()) {
    await clock.advanceTo(Math.min(end, clock.now() + stepMs), settle);
    sim.advanceTo(clock.now());
  }
}

/** Moves time on until every named Release is Healthy on `revision` as its status says. */
async function advanceUntilStable(which: string[], revision: number, maxMs: number): Promise<void> {
  const reader = new DynamoStateStore({ client: local.newClient(), table: 'state', clock });
  const end = clock.now() + maxMs;
  for (;;) {
    const statuses = await reader.listStatuses();
    if (which.every((n) => statuses.get(n)?.phase === 'Healthy' && statuses.get(n)?.stableRevision === `${n}:${revision}`)) return;
    if (clock.now() >= end) throw new Error(`not every Release is Healthy on revision ${revision} after ${maxMs}ms`);
    await advance(5_000);
  }
}

const held = (r: Replica): number[] => r.keeper.heldShards();
const updatesOf = (name: string): number => writes.filter((w) => w.release === name).length;

beforeAll(async () => {
  local = await startDynalite({ state: 'state' });
  clock = new VirtualClock('2026-03-02T09:00:00Z');
  sim = new Simulator({ world: world(), clock, seed: 3 });
  for (const name of names) source.apply(release(name, 1));
});
afterAll(async () => {
  for (const r of replicas) {
    r.store.cut = true;
    await r.controller.stop();
  }
  await sim.close();
  await local.close();
});

describe('two replicas on one DynamoDB table', () => {
  it('split the shards, take over a lost replica within one lease period, and never act on a Release together', async () => {
    const a = await startReplica('replica-a');
    await advance(1_000);
    // Alone, it holds every shard.
    expect(held(a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    const b = await startReplica('replica-b');
    await advance(20_000, () => held(a).length === 4 && held(b).length === 4);
    expect(held(a)).toHaveLength(4);
    expect(held(b)).toHaveLength(4);
    expect([...held(a), ...held(b)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    // Every Release moves to revision 2; each is rolled by the replica holding its shard.
    for (const name of names) source.apply(release(name, 2));
    await advanceUntilStable(names, 2, 20 * 60_000);
    for (const name of names) expect(updatesOf(name), name).toBe(1);
    const splitOfWork = new Set(writes.map((w) => w.replica));
    expect(splitOfWork).toEqual(new Set(['replica-a', 'replica-b']));

    // Replica A is cut off from the store: it cannot renew and gives nothing up.
    const aShards = held(a);
    const aTokens = new Map(aShards.map((s) => [s, a.keeper.fence(names.find((n) => a.keeper.shardOf(n) === s)!)!.token]));
    const cutAt = clock.now();
    a.store.cut = true;
    const gainedAt: number[] = [];
    b.keeper.onTransition((t) => t.gained && gainedAt.push(clock.now()));
    await advance(TTL + 5_000, () => held(b).length === SHARDS, 100);
    expect(held(b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(held(a)).toEqual([]);
    expect(gainedAt).toHaveLength(4);
    expect(Math.max(...gainedAt) - cutAt).toBeLessThanOrEqual(TTL);

    // A late write of A under its old token is refused, and says so.
    const direct = new DynamoStateStore({ client: local.newClient(), table: 'state', clock });
    const lateName = names.find((n) => a.keeper.shardOf(n) === aShards[0])!;
    await expect(direct.putStatus(lateName, { phase: 'Healthy' }, { lease: shardLeaseName(LEASE, aShards[0]!), token: aTokens.get(aShards[0]!)! })).rejects.toMatchObject({
      code: 'StaleFence',
    });

    // B now rolls the Releases A had.
    const formerlyA = names.filter((n) => aShards.includes(b.keeper.shardOf(n))).slice(0, 10);
    for (const name of formerlyA) source.apply(release(name, 3));
    await advanceUntilStable(formerlyA, 3, 20 * 60_000);
    for (const name of formerlyA) {
      expect(updatesOf(name), name).toBe(2);
      expect(writes.filter((w) => w.release === name).at(-1)?.replica).toBe('replica-b');
    }

    // A comes back (a new process): it takes its share back from B.
    await a.controller.stop();
    replicas.splice(replicas.indexOf(a), 1);
    const a2 = await startReplica('replica-a2');
    await advance(30_000, () => held(a2).length === 4 && held(b).length === 4);
    expect(held(a2)).toHaveLength(4);
    expect(held(b)).toHaveLength(4);
    await advance(60_000);

    // Every AWS write was made under a live lease of the Release's shard; no action twice.
    expect(writes.every((w) => w.token !== undefined)).toBe(true);
    expect(writes).toHaveLength(RELEASES + formerlyA.length);
    expect(sim.calls['ecs:UpdateService']).toBe(RELEASES + formerlyA.length);
    // Every pass ran under a token, and no two replicas' passes on one Release overlapped.
    expect(passes.every((p) => p.token !== undefined)).toBe(true);
    for (const name of names) {
      const own = passes.filter((p) => p.release === name);
      for (const p of own) {
        for (const q of own) {
          if (p.replica !== q.replica) expect(p.end < q.begin || q.end < p.begin, `${name}: ${p.replica} and ${q.replica} at once`).toBe(true);
        }
      }
    }
    expect(new Set(passes.map((p) => p.replica))).toEqual(new Set(['replica-a', 'replica-b', 'replica-a2']));
  }, 240_000);
});
