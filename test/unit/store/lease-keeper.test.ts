import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DirStateStore } from '../../../src/store/dir-store.js';
import { LeaseKeeper } from '../../../src/store/lease-keeper.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import { StaleFenceError, type Lease, type LeaseStore } from '../../../src/store/store.js';
import { runTimersUntil, untilIo } from '../../helpers/clock.js';
import { FaultyFileSystem } from '../../helpers/faulty-fs.js';
import { status } from '../../helpers/statuses.js';

let root: string;
let store: DirStateStore;
let clock: VirtualClock;
const keepers: LeaseKeeper[] = [];

let inFlight = 0;
/** Time moves only once every store call has landed. */
const idle = { idle: () => inFlight === 0 };

/** A store that counts calls under way, and that this controller can be cut off from (a partition). */
class ObservedStore implements LeaseStore {
  cutOff = false;
  constructor(private readonly inner: LeaseStore) {}
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    return this.call(() => this.inner.acquire(name, holder, ttlMs, now));
  }
  release(lease: Lease): Promise<void> {
    return this.call(() => this.inner.release(lease));
  }
  read(name: string): Promise<Lease | undefined> {
    return this.call(() => this.inner.read(name));
  }
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    inFlight++;
    try {
      if (this.cutOff) throw new Error('store unreachable');
      return await fn();
    } finally {
      inFlight--;
    }
  }
}

function keeper(holder: string, leaseStore: LeaseStore = new ObservedStore(store)): { keeper: LeaseKeeper; events: string[] } {
  const k = new LeaseKeeper({ store: leaseStore, clock, holder, name: 'shard-0', ttlMs: 15_000 });
  const events: string[] = [];
  k.onAcquired((l) => events.push(`acquired@${clock.now()}#${l.token}`));
  k.onLost((reason) => events.push(`lost:${reason}@${clock.now()}`));
  keepers.push(k);
  return { keeper: k, events };
}

beforeEach(async () => {
  inFlight = 0;
  root = await mkdtemp(join(tmpdir(), 'keelson-lease-'));
  store = new DirStateStore({ folder: root });
  clock = new VirtualClock(0);
});
afterEach(async () => {
  for (const k of keepers.splice(0)) await k.stop();
  await rm(root, { recursive: true, force: true });
});

describe('LeaseKeeper', () => {
  it('with releaseOnStop off, keeps the lease in the store when stopped while a renewal is under way', async () => {
    // A lease several replicas renew under one holder (the shard-count lease): one of them stopping
    // must not give it up for the others.
    let landRenewal!: () => void;
    let entered!: () => void;
    const inRenewal = new Promise<void>((resolve) => (entered = resolve));
    let gate: Promise<void> | undefined = undefined;
    // In memory: every call settles within a few turns, so the test can see the renewal through.
    const memory = new MemoryStateStore();
    const held: LeaseStore = {
      acquire: async (name, holder, ttlMs, now) => {
        if (gate) {
          entered();
          await gate;
        }
        return memory.acquire(name, holder, ttlMs, now);
      },
      release: (lease) => memory.release(lease),
      read: (name) => memory.read(name),
    };
    const k = new LeaseKeeper({ store: held, clock, holder: 'shards=1', name: 'count', ttlMs: 15_000, releaseOnStop: false });
    keepers.push(k);
    await k.start();
    expect(k.isLeader).toBe(true);
    gate = new Promise<void>((resolve) => (landRenewal = resolve));
    const renewal = clock.advance(5_000);
    await inRenewal;
    const stopped = k.stop();
    landRenewal();
    await Promise.all([renewal, stopped]);
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect((await memory.read('count'))?.holder).toBe('shards=1');
    expect((await memory.read('count'))!.expiresAt).toBeGreaterThan(clock.now());
  });

  it('acquires the lease, renews it every ttl/3 and stays leader while renewals land', async () => {
    const { keeper: a, events } = keeper('a');
    await a.start();
    expect(a.isLeader).toBe(true);
    expect(a.fence).toEqual({ lease: 'shard-0', token: 1 });
    await runTimersUntil(clock, () => clock.now() >= 60_000, idle);
    await untilIo(() => inFlight === 0);
    expect(a.isLeader).toBe(true);
    expect(events).toEqual(['acquired@0#1']);
    expect((await store.read('shard-0'))?.expiresAt).toBe(clock.now() + 15_000);
  });

  it('keeps a standby waiting, and hands over at once when the leader stops', async () => {
    const { keeper: a } = keeper('a');
    const { keeper: b, events } = keeper('b');
    await a.start();
    await b.start();
    expect(b.isLeader).toBe(false);
    expect(b.token).toBeUndefined();
    await a.stop();
    expect(a.isLeader).toBe(false);
    await runTimersUntil(clock, () => b.isLeader, idle);
    expect(clock.now()).toBe(5_000); // b's next attempt, not the lease's expiry
    expect(events).toEqual(['acquired@5000#2']);
  });

  it('stops being leader at expiry when cut off from the store, before the standby takes over, whose fence then wins', async () => {
    const cutOffStore = new ObservedStore(store);
    const { keeper: a, events: aEvents } = keeper('a', cutOffStore);
    const { keeper: b, events: bEvents } = keeper('b');
    await a.start();
    await b.start();
    const oldFence = a.fence!;
    await store.putStatus('web', status('Progressing'), oldFence);

    await clock.advance(4_000);
    cutOffStore.cutOff = true; // a's renewals at 5s and 10s fail
    await runTimersUntil(clock, () => !a.isLeader, idle);
    expect(aEvents).toEqual(['acquired@0#1', 'lost:expired@15000']);
    await runTimersUntil(clock, () => b.isLeader, idle);
    expect(bEvents).toEqual(['acquired@15000#2']);

    await expect(store.putStatus('web', status('Degraded'), oldFence)).rejects.toBeInstanceOf(StaleFenceError);
    await store.putStatus('web', status('Healthy'), b.fence!);
    expect((await store.getStatus('web'))?.phase).toBe('Healthy');

    // Back on the network, a finds the lease taken and stays a standby.
    cutOffStore.cutOff = false;
    await runTimersUntil(clock, () => clock.now() >= 40_000, idle);
    expect(a.isLeader).toBe(false);
    expect(b.isLeader).toBe(true);
  });

  it('reports a lease taken away between renewals', async () => {
    const { keeper: a, events } = keeper('a');
    await a.start();
    // Someone else's lease, as if a's lease expired unnoticed and another controller took it.
    await store.acquire('shard-0', 'intruder', 15_000, clock.now() + 20_000);
    await runTimersUntil(clock, () => !a.isLeader, idle);
    expect(events).toEqual(['acquired@0#1', 'lost:taken@5000']);
  });

  it('lets go at once when the store cannot be written, backs off, and takes the lease back once it can', async () => {
    const files = new FaultyFileSystem();
    const { keeper: a, events } = keeper('a', new ObservedStore(new DirStateStore({ folder: root, fs: files })));
    await a.start();
    expect(a.fence).toEqual({ lease: 'shard-0', token: 1 });

    files.fail('ENOSPC');
    await runTimersUntil(clock, () => !a.isLeader, idle);
    // At the first renewal that fails, not at the lease's expiry 10s later.
    expect(events).toEqual(['acquired@0#1', 'lost:unavailable@5000']);
    expect(a.lastError).toMatchObject({ code: 'StoreUnavailable', reason: 'ENOSPC' });

    // Attempts back off from the renewal interval, doubling up to 30s: not a busy loop.
    const attempts: number[] = [];
    while (clock.now() < 120_000) {
      const before = files.refused;
      await runTimersUntil(clock, () => files.refused > before, idle);
      attempts.push(clock.now());
    }
    expect(attempts).toEqual([10_000, 20_000, 40_000, 70_000, 100_000, 130_000]);

    files.heal();
    await runTimersUntil(clock, () => a.isLeader, idle);
    expect(events).toEqual(['acquired@0#1', 'lost:unavailable@5000', 'acquired@160000#1']);
    expect(a.lastError).toBeUndefined();
  });
});
