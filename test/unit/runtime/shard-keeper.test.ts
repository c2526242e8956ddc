import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { ShardKeeper, type ShardTransition } from '../../../src/runtime/shard-keeper.js';
import { fnv1a32, shardLeaseName, shardOf } from '../../../src/runtime/shard-of.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { StoreUnavailableError } from '../../../src/store/store.js';

const TTL = 15_000;
let clock: VirtualClock;
let store: MemoryStateStore;
const keepers: ShardKeeper[] = [];

function keeper(holder: string, shards = 8): { keeper: ShardKeeper; transitions: ShardTransition[] } {
  const k = new ShardKeeper({ store, clock, holder, lease: 'keelson', shards, ttlMs: TTL });
  const transitions: ShardTransition[] = [];
  k.onTransition((t) => transitions.push(t));
  keepers.push(k);
  return { keeper: k, transitions };
}

const reset = (): void => {
  clock = new VirtualClock(0);
  store = new MemoryStateStore();
};
reset();
afterEach(async () => {
  for (const k of keepers.splice(0)) await k.stop();
  reset();
});

describe('shardOf', () => {
  it('is FNV-1a of the name: the same on every replica, and spread over the shards', () => {
    // The published FNV-1a 32-bit test vectors.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(shardOf('anything', 1)).toBe(0);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 1_600; i++) counts[shardOf(`app-${i}`, 16)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });
});

describe('ShardKeeper', () => {
  it('takes every shard alone and gives half up, once its passes end, when a second replica comes', async () => {
    const { keeper: a, transitions } = keeper('a');
    await a.start();
    expect(a.heldShards()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const name = ['x', 'y', 'z', 'w', 'v', 'u', 't', 's'].find((n) => a.shardOf(n) === 7)!;
    let finish!: () => void;
    const pass = a.track(name, () => new Promise<void>((resolve) => (finish = resolve)));

    const { keeper: b } = keeper('b');
    await b.start();
    await clock.advance(5_000);
    // A stopped acting on shards 4..7 at once, but shard 7's lease is kept while its pass runs.
    expect(a.heldShards()).toEqual([0, 1, 2, 3]);
    expect(a.fence(name)).toBeUndefined();
    expect((await store.read(shardLeaseName('keelson', 7)))?.holder).toBe('a');
    expect(transitions.filter((t) => !t.gained).map((t) => `${t.shard}:${t.reason}`)).toEqual(['7:handed_over', '6:handed_over', '5:handed_over', '4:handed_over']);
    finish();
    await pass;
    await clock.advance(5_000);
    expect(b.heldShards()).toEqual([4, 5, 6, 7]);
    expect(b.fence(name)).toEqual({ lease: 'keelson/shard-7', token: 2 });
    const map = await a.shardMap();
    expect(map).toMatchObject({ shards: 8, replica: 'a', held: [0, 1, 2, 3], fairShare: 4, members: 2 });
    expect(map.leases.map((l) => `${l.shard}:${l.holder}#${l.token}`)).toEqual(['0:a#1', '1:a#1', '2:a#1', '3:a#1', '4:b#2', '5:b#2', '6:b#2', '7:b#2']);
  });

  it('stops acting before its lease expires when renewals do not land, and the other takes over at expiry', async () => {
    const { keeper: a, transitions } = keeper('a', 2);
    const { keeper: b } = keeper('b', 2);
    await a.start();
    await b.start();
    await clock.advance(10_000);
    expect(a.heldShards()).toHaveLength(1);
    expect(b.heldShards()).toHaveLength(1);
    const aShard = a.heldShards()[0]!;
    const acquire = store.acquire.bind(store);
    const read = store.read.bind(store);
    // A's calls fail from now on; B's go through.
    store.acquire = async (leaseName, holder, ttl, now) => (holder.startsWith('a') ? Promise.reject(new Error('unreachable')) : acquire(leaseName, holder, ttl, now));
    const cutAt = clock.now();
    store.read = async (leaseName) => read(leaseName);
    const expiresAt = (await read(shardLeaseName('keelson', aShard)))!.expiresAt;
    let bGainedAt: number | undefined;
    b.onTransition((t) => t.gained && (bGainedAt = clock.now()));
    await clock.advanceTo(expiresAt - 3_000);
    expect(a.heldShards()).toEqual([]);
    expect(transitions.at(-1)).toEqual({ shard: aShard, gained: false, reason: 'expired' });
    await clock.advanceTo(cutAt + TTL);
    expect(b.heldShards()).toEqual([0, 1]);
    expect(bGainedAt).toBeLessThanOrEqual(cutAt + TTL);
  });

  it('stands down while a replica runs with another shard count, or a controller without sharding holds the lease', async () => {
    const { keeper: a } = keeper('a', 4);
    const { keeper: b } = keeper('b', 8);
    await a.start();
    await b.start();
    await clock.advance(5_000);
    expect(b.heldShards()).toEqual([]);
    expect(b.view().standingDown).toMatch(/replica a runs with 4 shards, this one with 8/);
    expect(a.heldShards()).toEqual([]);
    expect(a.view().standingDown).toMatch(/replica b runs with 8 shards/);
    await b.stop();
    await clock.advance(5_000);
    expect(a.heldShards()).toEqual([0, 1, 2, 3]);

    const plain = await store.acquire('keelson', 'old-controller', 60_000, clock.now());
    expect(plain).toBeDefined();
    await clock.advance(5_000);
    expect(a.heldShards()).toEqual([]);
    expect(a.view().standingDown).toMatch(/without sharding \(old-controller\) holds the lease keelson/);
  });

  it('makes a bounded number of lease calls per round once the shards are spread', async () => {
    const { keeper: a } = keeper('a');
    const { keeper: b } = keeper('b');
    await a.start();
    await b.start();
    await clock.advance(15_000);
    expect(a.heldShards()).toHaveLength(4);
    const calls: string[] = [];
    const count = <A extends unknown[], R>(kind: string, fn: (...args: A) => Promise<R>) => (...args: A) => (calls.push(kind), fn(...args));
    store.read = count('read', store.read.bind(store));
    store.readLeases = count('readLeases', store.readLeases.bind(store));
    store.acquire = count('acquire', store.acquire.bind(store));
    store.release = count('release', store.release.bind(store));
    await clock.advance(5_000);
    // Per replica and round: one read of every slot, the shard count and its member slot renewed, its 4 shards renewed.
    expect(calls.filter((c) => c === 'readLeases')).toHaveLength(2);
    expect(calls.filter((c) => c === 'read')).toHaveLength(0);
    expect(calls.filter((c) => c === 'acquire')).toHaveLength(2 * (1 + 1 + 4));
    expect(calls.filter((c) => c === 'release')).toHaveLength(0);
  });

  it('gives every shard up at the first round the store cannot be written, not at the leases\' expiry', async () => {
    const { keeper: a, transitions } = keeper('a', 4);
    await a.start();
    expect(a.heldShards()).toEqual([0, 1, 2, 3]);
    const name = ['x', 'y', 'z', 'w', 'v'].find((n) => a.shardOf(n) === 0)!;
    const acquire = store.acquire.bind(store);
    store.acquire = async (leaseName, holder, ttl, now) =>
      leaseName.includes('/shard-') ? Promise.reject(new StoreUnavailableError('ENOSPC', 'no space left on device')) : acquire(leaseName, holder, ttl, now);
    await clock.advance(5_000);
    // The leases run until 15s (less the margin, 12s); acting ended at the 5s round.
    expect(a.heldShards()).toEqual([]);
    expect(a.fence(name)).toBeUndefined();
    expect(transitions.filter((t) => !t.gained).map((t) => `${t.shard}:${t.reason}`).sort()).toEqual(['0:unavailable', '1:unavailable', '2:unavailable', '3:unavailable']);
    expect(a.lastError).toMatchObject({ code: 'StoreUnavailable' });

    // Writable again: it takes its shards back at the next round.
    store.acquire = acquire;
    await clock.advance(5_000);
    expect(a.heldShards()).toEqual([0, 1, 2, 3]);
  });

  it('gives its shard leases back when stopped, so another replica takes them at its next round, not at expiry', async () => {
    const { keeper: a } = keeper('a');
    await a.start();
    expect(a.heldShards()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const { keeper: b } = keeper('b');
    await b.start();
    await clock.advance(5_000);
    expect(b.heldShards()).toEqual([4, 5, 6, 7]);
    await a.stop();
    for (const shard of [0, 1, 2, 3]) expect(await store.read(shardLeaseName('keelson', shard)), `shard ${shard}`).toBeUndefined();
    await clock.advance(5_000);
    expect(b.heldShards()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('leaves a replica beyond the shard count standing by', async () => {
    const ks = ['a', 'b', 'c'].map((h) => keeper(h, 2).keeper);
    for (const k of ks) await k.start();
    await clock.advance(10_000);
    expect(ks.map((k) => k.heldShards().length).sort()).toEqual([0, 1, 1]);
    expect(ks.find((k) => k.heldShards().length === 0)?.view().standingDown).toMatch(/member slots is taken/);
  });
});
