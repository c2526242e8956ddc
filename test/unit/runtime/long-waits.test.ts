// Waits of any length wake once, at their time, and no requeue spins the work queue.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealClock, VirtualClock } from '../../../src/runtime/clock.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';

const DAY = 86_400_000;

describe('RealClock with waits longer than setTimeout allows (2^31-1 ms, about 24.8 days)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a 30-day timer fires once, after 30 days, not at once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fired: number[] = [];
    const start = Date.now();
    new RealClock().setTimer(30 * DAY, () => fired.push(Date.now() - start));
    vi.advanceTimersByTime(29 * DAY);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(DAY);
    expect(fired).toEqual([30 * DAY]);
    vi.advanceTimersByTime(60 * DAY);
    expect(fired).toHaveLength(1);
  });

  it('a long timer can be cancelled in any link of its chain', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let fired = false;
    const cancel = new RealClock().setTimer(90 * DAY, () => (fired = true));
    vi.advanceTimersByTime(50 * DAY);
    cancel();
    vi.advanceTimersByTime(50 * DAY);
    expect(fired).toBe(false);
  });

  it('a work queue requeue 30 days away does not make a hot loop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let calls = 0;
    const queue = new WorkQueue({
      clock: new RealClock(),
      random: () => 0,
      handler: async () => (++calls < 1_000 ? { requeueAfter: 30 * DAY } : undefined),
    });
    queue.add('r');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(30 * DAY);
    expect(calls).toBe(2);
    await queue.shutdown();
  });
});

describe('WorkQueue requeues', () => {
  it('a key that keeps asking to run again at once is slowed to one pass per backoff base', async () => {
    const clock = new VirtualClock(0);
    let calls = 0;
    // The cap only ends the test if the queue spins; a healthy queue never reaches it.
    const queue = new WorkQueue({ clock, random: () => 0, handler: async () => (++calls < 1_000 ? { requeueAfter: 0 } : undefined) });
    queue.add('r');
    await clock.advance(10_000);
    // Three immediate passes (the pass itself plus its allowed repeats), then one a second.
    expect(calls).toBeGreaterThanOrEqual(10);
    expect(calls).toBeLessThanOrEqual(15);
    await queue.shutdown();
  });

  it('a requeue of NaN or Infinity is no requeue (the resync still comes)', async () => {
    const clock = new VirtualClock(0);
    const asked = [Number.NaN, Infinity];
    let calls = 0;
    const queue = new WorkQueue({ clock, random: () => 0, handler: async () => ({ requeueAfter: asked[calls++ % 2] as number }) });
    queue.add('r');
    await clock.advance(60_000);
    expect(calls).toBe(1);
    expect(queue.stats().waiting).toBe(0);
    queue.add('r');
    await clock.advance(60_000);
    expect(calls).toBe(2);
    await queue.shutdown();
  });

  it('an immediate requeue after a delayed one runs at once again', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    const plan = [0, 0, 0, 0, 5_000, 0];
    const queue = new WorkQueue({
      clock,
      random: () => 0,
      handler: async () => {
        seen.push(clock.now());
        const next = plan.shift();
        return next === undefined ? undefined : { requeueAfter: next };
      },
    });
    queue.add('r');
    await clock.advance(20_000);
    expect(seen).toEqual([0, 0, 0, 0, 1_000, 6_000, 6_000]);
    await queue.shutdown();
  });
});
