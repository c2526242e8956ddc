// Going from N shards back to one lease (and the reverse) on one DynamoDB table (dynalite), in
// virtual time: the newcomer stands down while the replicas of the other count hold the
// shard-count lease, takes over once they are gone, and at no moment do two replicas own one
// Release. A shard round reads every slot in one BatchGetItem.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/runtime/clock.js';
import { createOwnership, type Ownership } from '../../src/runtime/ownership.js';
import { DynamoStateStore } from '../../src/store/dynamodb-store.js';
import type { StateStore } from '../../src/store/store.js';
import { untilIo } from '../helpers/clock.js';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.js';

const TTL = 15_000;
const LEASE = 'keelson';
const names = Array.from({ length: 24 }, (_, i) => `app-${String(i).padStart(2, '0')}`);

let local: LocalDynamo;
let clock: VirtualClock;
let inFlight = 0;
/** DynamoDB operations sent, by name. */
const sent = new Map<string, number>();
const running: { id: string; own: Ownership }[] = [];

/** Counts store calls under way: time moves only once none is. */
function counted(inner: StateStore): StateStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        inFlight++;
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          inFlight--;
        }
      };
    },
  });
}

async function replica(id: string, shards: number): Promise<Ownership> {
  const client = local.newClient();
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.set(context.commandName ?? '?', (sent.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  const own = createOwnership({ store: counted(new DynamoStateStore({ client, table: 'state', clock })), clock, holder: id, lease: LEASE, shards, ttlMs: TTL });
  await own.start();
  running.push({ id, own });
  return own;
}

async function stop(own: Ownership): Promise<void> {
  await own.stop();
  running.splice(
    running.findIndex((r) => r.own === own),
    1,
  );
}

/** No Release is owned by two replicas. */
function checkOneOwner(): void {
  for (const name of names) {
    const owners = running.filter((r) => r.own.owns(name)).map((r) => r.id);
    expect(owners.length, `${name} owned by ${owners.join(' and ')} at ${clock.now()}`).toBeLessThanOrEqual(1);
  }
}

/** Moves time on in small steps, letting every store call land, checking ownership all along. */
async function advance(ms: number, until: () => boolean = () => false): Promise<void> {
  const end = clock.now() + ms;
  const settle = async (): Promise<void> => {
    await untilIo(() => inFlight === 0);
    checkOneOwner();
  };
  await settle();
  while (clock.now() < end && !until()) await clock.advanceTo(Math.min(end, clock.now() + 100), settle);
}

const everyRelease = (own: Ownership): boolean => names.every((n) => own.owns(n));

beforeAll(async () => {
  local = await startDynalite({ state: 'state' });
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.own.stop();
});
afterAll(async () => {
  await local.close();
});

describe('changing the shard count on one DynamoDB table', () => {
  it('a controller without sharding started beside a sharded one stands down, then takes over once it is gone', async () => {
    clock = new VirtualClock('2026-03-02T09:00:00Z');
    const a = await replica('a', 4);
    await advance(1_000);
    expect(a.heldShards()).toEqual([0, 1, 2, 3]);

    const b = await replica('b', 1);
    await advance(20_000);
    expect(b.heldShards()).toEqual([]);
    expect(b.view().standingDown).toMatch(/hold the lease keelson\/shard-count, this one runs without/);
    // The sharded replica goes on undisturbed: the plain lease was never taken.
    expect(a.heldShards()).toEqual([0, 1, 2, 3]);
    expect(names.every((n) => a.owns(n))).toBe(true);
    const direct = new DynamoStateStore({ client: local.client, table: 'state', clock });
    expect((await direct.read(LEASE))?.holder ?? '').toBe('');

    const stoppedAt = clock.now();
    await stop(a);
    await advance(2 * TTL, () => everyRelease(b));
    expect(b.heldShards()).toEqual([0]);
    expect(b.fence('app-00')).toMatchObject({ lease: LEASE });
    // Once the shard-count lease has expired, at the next attempt.
    expect(clock.now() - stoppedAt).toBeLessThanOrEqual(TTL + TTL / 3);
  });

  it('a sharded replica started beside a controller without sharding stands down, then takes every shard once it is gone', async () => {
    clock = new VirtualClock('2026-03-03T09:00:00Z');
    const b = await replica('b', 1);
    await advance(1_000);
    expect(b.heldShards()).toEqual([0]);

    const c = await replica('c', 4);
    await advance(20_000);
    expect(c.heldShards()).toEqual([]);
    expect(c.view().standingDown).toMatch(/replicas running with 1 shards hold the lease keelson\/shard-count, this one runs with 4/);
    expect(everyRelease(b)).toBe(true);

    const stoppedAt = clock.now();
    await stop(b);
    await advance(2 * TTL, () => everyRelease(c));
    expect(c.heldShards()).toEqual([0, 1, 2, 3]);
    expect(clock.now() - stoppedAt).toBeLessThanOrEqual(TTL + TTL / 3);
  });

  it('reads every slot of a round in one BatchGetItem, and no lease again before its conditional write', async () => {
    clock = new VirtualClock('2026-03-04T09:00:00Z');
    const a = await replica('a', 8);
    await advance(1_000);
    expect(a.heldShards()).toHaveLength(8);
    sent.clear();
    // Three rounds (every ttl/3).
    await advance(15_000);
    expect(sent.get('BatchGetItemCommand')).toBe(3);
    // Per round: the shard-count lease, the member slot and 8 shards renewed, each a conditional
    // PutItem on the lease as the batch read it; none read again on its own.
    expect(sent.get('GetItemCommand') ?? 0).toBe(0);
    expect(sent.get('PutItemCommand')).toBe(3 * (1 + 1 + 8));
  });
});
