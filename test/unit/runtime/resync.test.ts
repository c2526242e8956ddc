import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { startResync } from '../../../src/runtime/resync.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';

const PERIOD = 60_000;

/** A repeatable stand-in for Math.random: a linear congruential sequence in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function record(keys: string[], random = seeded(7)) {
  const clock = new VirtualClock(0);
  const enqueued: { key: string; at: number }[] = [];
  const resync = startResync({ clock, periodMs: PERIOD, keys: () => keys, enqueue: (key) => enqueued.push({ key, at: clock.now() }), random });
  return { clock, enqueued, resync };
}

describe('resync', () => {
  it('enqueues every key once per period, starting one period after start', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `release-${i}`);
    const t = record(keys);
    await t.clock.advance(PERIOD - 1);
    expect(t.enqueued).toEqual([]);
    await t.clock.advance(PERIOD + 1);
    const firstRound = t.enqueued.filter((e) => e.at < 2 * PERIOD);
    expect(firstRound.map((e) => e.key).sort()).toEqual([...keys].sort());
    await t.clock.advance(PERIOD);
    expect(t.enqueued.filter((e) => e.at >= 2 * PERIOD && e.at < 3 * PERIOD)).toHaveLength(50);
  });

  it('spreads 5,000 keys evenly across the period rather than all at once', async () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `release-${i}`);
    const t = record(keys);
    await t.clock.advance(2 * PERIOD - 1);
    expect(t.enqueued).toHaveLength(5_000);
    const perSecond = new Map<number, number>();
    for (const e of t.enqueued) perSecond.set(Math.floor(e.at / 1_000), (perSecond.get(Math.floor(e.at / 1_000)) ?? 0) + 1);
    // 5,000 keys over 60 s is 83.3 a second; each key stays in its own slot, so no second
    // can hold more than one slot's worth over the mean
    expect(perSecond.size).toBe(60);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(85);
    expect(Math.min(...perSecond.values())).toBeGreaterThanOrEqual(82);
  });

  it('jitters each key within its slot, so rounds do not repeat the same instants', async () => {
    const t = record(['a', 'b', 'c', 'd'], seeded(42));
    await t.clock.advance(3 * PERIOD - 1);
    const rounds = [1, 2].map((k) => t.enqueued.filter((e) => e.at >= k * PERIOD && e.at < (k + 1) * PERIOD).map((e) => e.at - k * PERIOD));
    for (const offsets of rounds) {
      offsets.forEach((offset, i) => {
        expect(offset).toBeGreaterThanOrEqual(i * 15_000);
        expect(offset).toBeLessThan((i + 1) * 15_000);
      });
    }
    expect(rounds[0]).not.toEqual(rounds[1]);
  });

  it('reads the keys afresh each round', async () => {
    const keys = ['a'];
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    startResync({ clock, periodMs: PERIOD, keys: () => keys, enqueue: (k) => seen.push(k), random: () => 0.5 });
    await clock.advance(2 * PERIOD - 1);
    keys.push('b');
    await clock.advance(PERIOD);
    expect(seen).toEqual(['a', 'a', 'b']);
  });

  it('stops enqueueing once stopped', async () => {
    const t = record(['a', 'b']);
    await t.clock.advance(PERIOD + 10_000);
    t.resync.stop();
    const before = t.enqueued.length;
    await t.clock.advance(10 * PERIOD);
    expect(t.enqueued).toHaveLength(before);
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it('feeds a work queue that reconciles each Release once per period', async () => {
    const clock = new VirtualClock(0);
    const reconciled: string[] = [];
    const queue = new WorkQueue({ clock, random: () => 0, handler: async (key) => void reconciled.push(key) });
    startResync({ clock, periodMs: PERIOD, keys: () => ['x', 'y', 'z'], enqueue: (k) => queue.add(k), random: seeded(3) });
    await clock.advance(3 * PERIOD - 1);
    await queue.idle();
    expect(reconciled.sort()).toEqual(['x', 'x', 'y', 'y', 'z', 'z']);
  });
});
