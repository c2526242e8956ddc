// Pending virtual timers: taken in (time, insertion) order, and cancelled ones do not pile up.
import { describe, expect, it } from 'vitest';
import { randomStream } from '../../../src/sim/random.js';
import { TimerHeap, type HeapTimer } from '../../../src/runtime/timer-heap.js';

describe('timer heap', () => {
  it('gives timers back in (time, insertion) order, whatever was cancelled', () => {
    const seed = 20_000;
    const random = randomStream(seed, 'timer-heap');
    const heap = new TimerHeap<HeapTimer>();
    const all: HeapTimer[] = [];
    for (let seq = 0; seq < 2_000; seq++) {
      const timer = { at: Math.floor(random.next() * 300), seq };
      heap.push(timer);
      all.push(timer);
      if (random.next() < 0.3) heap.cancel(all[Math.floor(random.next() * all.length)] as HeapTimer);
    }
    const expected = all.filter((t) => !t.cancelled).sort((a, b) => a.at - b.at || a.seq - b.seq);
    expect(heap.size, `seed ${seed}`).toBe(expected.length);
    const taken: HeapTimer[] = [];
    for (let t = heap.pop(); t; t = heap.pop()) taken.push(t);
    expect(taken, `seed ${seed}`).toEqual(expected);
    expect(heap.size).toBe(0);
  });

  it('holds at most about twice the live timers however many are cancelled', () => {
    const heap = new TimerHeap<HeapTimer>();
    const live = Array.from({ length: 100 }, (_, seq) => ({ at: 1_000_000 + seq, seq }));
    for (const t of live) heap.push(t);
    // A work queue that keeps rescheduling: each new timer cancels the last, all far in the future.
    for (let seq = 100; seq < 100_100; seq++) {
      const t = { at: 2_000_000 + seq, seq };
      heap.push(t);
      heap.cancel(t);
    }
    expect(heap.size).toBe(100);
    expect(heap.held).toBeLessThanOrEqual(2 * 100 + 1);
  });

  it('counts a timer cancelled after it fired once', () => {
    const heap = new TimerHeap<HeapTimer>();
    const t = { at: 1, seq: 0 };
    heap.push(t);
    heap.push({ at: 2, seq: 1 });
    expect(heap.pop()).toBe(t);
    heap.cancel(t);
    expect(heap.size).toBe(1);
  });
});
