import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { createOwnership, type Ownership } from '../../../src/runtime/ownership.js';
import type { ShardTransition } from '../../../src/runtime/shard-keeper.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { StoreUnavailableError } from '../../../src/store/store.js';

const TTL = 15_000;
let clock = new VirtualClock(0);
let store = new MemoryStateStore();
const started: Ownership[] = [];

function ownership(holder: string, shards = 1): { own: Ownership; transitions: string[] } {
  const own = createOwnership({ store, clock, holder, lease: 'keelson', shards, ttlMs: TTL });
  const transitions: string[] = [];
  own.onTransition((t: ShardTransition) => transitions.push(`${t.gained ? 'gained' : 'lost'}:${t.shard}:${t.reason}@${clock.now()}`));
  started.push(own);
  return { own, transitions };
}

afterEach(async () => {
  for (const own of started.splice(0)) await own.stop();
  clock = new VirtualClock(0);
  store = new MemoryStateStore();
});

describe('ownership without sharding: the plain lease as the one-shard case', () => {
  it('lets one replica act on every Release under the plain lease; the other stands by and takes over when it stops', async () => {
    const { own: a, transitions } = ownership('a');
    const { own: b, transitions: bTransitions } = ownership('b');
    await a.start();
    await b.start();
    expect(a.settled && b.settled).toBe(true);
    expect(a.fence('anything')).toEqual({ lease: 'keelson', token: 1 });
    expect(a.heldShards()).toEqual([0]);
    expect(b.owns('anything')).toBe(false);
    // Standing by is not standing down: nothing to explain.
    expect(b.view().standingDown).toBeUndefined();
    expect(transitions).toEqual(['gained:0:acquired@0']);

    await a.stop();
    await clock.advance(5_000);
    expect(b.fence('anything')).toEqual({ lease: 'keelson', token: 2 });
    expect(transitions).toEqual(['gained:0:acquired@0', 'lost:0:stopped@0']);
    expect(bTransitions).toEqual(['gained:0:acquired@5000']);
  });

  it('stops acting at the first renewal the store cannot be written, says why, and acts again once it can', async () => {
    const { own: a, transitions } = ownership('a');
    await a.start();
    const acquire = store.acquire.bind(store);
    store.acquire = () => Promise.reject(new StoreUnavailableError('ENOSPC', 'no space left on device'));
    await clock.advance(5_000);
    expect(a.owns('anything')).toBe(false);
    expect(transitions.at(-1)).toBe('lost:0:unavailable@5000');
    expect(a.lastError).toMatchObject({ code: 'StoreUnavailable', reason: 'ENOSPC' });
    store.acquire = acquire;
    await clock.advance(30_000);
    expect(a.owns('anything')).toBe(true);
    expect(transitions.at(-1)).toMatch(/^gained:0:acquired@/);
  });

  it('stands down beside a sharded replica, leaving its shards and the plain lease alone', async () => {
    const { own: sharded } = ownership('s', 4);
    await sharded.start();
    const { own: plain, transitions } = ownership('p');
    await plain.start();
    await clock.advance(10_000);
    expect(plain.heldShards()).toEqual([]);
    expect(plain.view().standingDown).toMatch(/replicas running with sharding hold the lease keelson\/shard-count/);
    expect(transitions).toEqual([]);
    expect(sharded.heldShards()).toEqual([0, 1, 2, 3]);
    expect(await store.read('keelson')).toBeUndefined();
  });
});
