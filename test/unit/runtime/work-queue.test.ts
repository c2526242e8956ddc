import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/cloud/errors.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import {
  backoffDelay,
  WorkQueue,
  type ReconcileEvent,
  type ReconcileResult,
  type WorkQueueOptions,
} from '../../../src/runtime/work-queue.js';

type Behaviour = (key: string, call: number) => Promise<ReconcileResult | void>;

/** A queue on a virtual clock whose handler records when each reconcile ran. */
function setup(behaviour: Behaviour = async () => undefined, options: Partial<WorkQueueOptions> = {}) {
  const clock = new VirtualClock(0);
  const runs: { key: string; start: number; end?: number }[] = [];
  const events: ReconcileEvent[] = [];
  const calls = new Map<string, number>();
  let running = 0;
  let maxRunning = 0;
  const runningPerKey = new Map<string, number>();
  let maxPerKey = 0;
  const queue = new WorkQueue({
    clock,
    random: () => 0,
    onReconcile: (e) => events.push(e),
    ...options,
    handler: async (key) => {
      const call = (calls.get(key) ?? 0) + 1;
      calls.set(key, call);
      const run: { key: string; start: number; end?: number } = { key, start: clock.now() };
      runs.push(run);
      running++;
      maxRunning = Math.max(maxRunning, running);
      runningPerKey.set(key, (runningPerKey.get(key) ?? 0) + 1);
      maxPerKey = Math.max(maxPerKey, runningPerKey.get(key) ?? 0);
      try {
        return await behaviour(key, call);
      } finally {
        running--;
        runningPerKey.set(key, (runningPerKey.get(key) ?? 0) - 1);
        run.end = clock.now();
      }
    },
  });
  return {
    clock,
    queue,
    runs,
    events,
    startsOf: (key: string) => runs.filter((r) => r.key === key).map((r) => r.start),
    maxRunning: () => maxRunning,
    maxPerKey: () => maxPerKey,
  };
}

describe('WorkQueue', () => {
  it('holds keys, not events: adding a queued key again does not queue it twice', async () => {
    const t = setup();
    t.queue.add('aep-backend-prod');
    t.queue.add('web-prod');
    t.queue.add('aep-backend-prod');
    t.queue.add('aep-backend-prod');
    expect(t.queue.stats().depth).toBe(2);
    await t.queue.idle();
    expect(t.runs.map((r) => r.key)).toEqual(['aep-backend-prod', 'web-prod']);
  });

  it('never reconciles one key twice at once; a key added while in flight runs once more after', async () => {
    const t = setup((_key) => t.clock.sleep(1_000));
    t.queue.add('a');
    await t.clock.advance(100);
    t.queue.add('a');
    t.queue.add('a');
    await t.clock.advance(100);
    t.queue.add('a');
    await t.clock.advance(5_000);
    expect(t.startsOf('a')).toEqual([0, 1_000]);
    expect(t.maxPerKey()).toBe(1);
  });

  it('runs up to `concurrency` keys in parallel', async () => {
    const t = setup(() => t.clock.sleep(1_000), { concurrency: 3 });
    for (let i = 0; i < 10; i++) t.queue.add(`release-${i}`);
    await t.clock.advance(10_000);
    expect(t.maxRunning()).toBe(3);
    expect(t.runs.map((r) => r.start)).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000, 2_000, 2_000, 3_000]);
  });

  it('honours requeueAfter, and the earliest pending requeue wins', async () => {
    const t = setup(async (_key, call) => (call === 1 ? { requeueAfter: 30_000 } : undefined));
    t.queue.add('a');
    await t.clock.advance(1_000);
    t.queue.addAfter('a', 9_000); // due at 10s, earlier than the 30s requeue: wins
    t.queue.addAfter('a', 60_000); // later than what is pending: ignored
    await t.clock.advance(100_000);
    expect(t.startsOf('a')).toEqual([0, 10_000]);
    expect(t.events.map((e) => e.outcome)).toEqual(['requeue', 'success']);
  });

  it('backs off exponentially per key on errors and resets after a success', async () => {
    const t = setup(async (key, call) => {
      if (key === 'bad' && (call <= 4 || call === 6)) throw new Error(`reconcile ${call} failed`);
    });
    t.queue.add('bad');
    t.queue.add('good');
    await t.clock.advance(20_000);
    // retries after 1s, 2s, 4s, 8s; the fifth attempt succeeds
    expect(t.startsOf('bad')).toEqual([0, 1_000, 3_000, 7_000, 15_000]);
    expect(t.startsOf('good')).toEqual([0]);
    expect(t.queue.failuresOf('bad')).toBe(0);
    t.queue.add('bad');
    await t.clock.advance(1_500);
    // failed again: backoff starts over at 1s
    expect(t.startsOf('bad')).toEqual([0, 1_000, 3_000, 7_000, 15_000, 20_000, 21_000]);
  });

  it('backs off on a Throttled CloudError and counts it as throttled', async () => {
    const t = setup(async (_key, call) => {
      if (call <= 2) throw new CloudError('Throttled', 'Rate exceeded', { service: 'ecs', operation: 'DescribeServices' });
    });
    t.queue.add('a');
    await t.clock.advance(10_000);
    expect(t.startsOf('a')).toEqual([0, 1_000, 3_000]);
    expect(t.events.map((e) => [e.outcome, e.retryInMs])).toEqual([
      ['throttled', 1_000],
      ['throttled', 2_000],
      ['success', undefined],
    ]);
    expect(t.queue.stats().reconciles).toEqual({ success: 1, requeue: 0, error: 0, throttled: 2 });
  });

  it('tells a failing pass the backoff it gets, and then waits exactly that long', async () => {
    const clock = new VirtualClock(0);
    const draws = [0.9, 0.3, 0.6];
    const told: number[] = [];
    const starts: number[] = [];
    const events: ReconcileEvent[] = [];
    const queue = new WorkQueue({
      clock,
      random: () => draws.shift() ?? 0,
      onReconcile: (e) => events.push(e),
      handler: async (_key, attempt) => {
        starts.push(clock.now());
        if (starts.length > 3) return;
        told.push(attempt.backoffMs());
        expect(attempt.backoffMs()).toBe(told.at(-1)); // asked twice, drawn once
        throw new Error(`failure ${attempt.failures + 1}`);
      },
    });
    queue.add('a');
    await clock.advance(20_000);
    expect(told).toEqual([775, 1_850, 3_400]);
    expect(events.slice(0, 3).map((e) => e.retryInMs)).toEqual(told);
    expect(starts).toEqual([0, 775, 2_625, 6_025]);
  });

  it('retries a failed pass that says when it is next due no later than that, still counting each failure', async () => {
    const t = setup(async () => {
      throw Object.assign(new CloudError('Throttled', 'observation incomplete'), { requeueAfter: 15_000 });
    });
    t.queue.add('a');
    await t.clock.advance(90_000);
    // 1s, 2s, 4s, 8s of backoff, then never more than the 15s the pass asked for.
    expect(t.startsOf('a')).toEqual([0, 1_000, 3_000, 7_000, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000]);
    expect(t.queue.failuresOf('a')).toBe(10);
    expect(t.events.every((e) => e.outcome === 'throttled')).toBe(true);
  });

  it('forget resets the backoff of a failing key', async () => {
    const t = setup(async () => {
      throw new Error('always');
    });
    t.queue.add('a');
    await t.clock.advance(3_500); // attempts at 0, 1s, 3s; next backoff 4s
    expect(t.queue.failuresOf('a')).toBe(3);
    t.queue.forget('a');
    t.queue.add('a');
    await t.clock.advance(0);
    expect(t.queue.failuresOf('a')).toBe(1);
  });

  it('remove drops a queued key, its timers, and the requeue of a reconcile in flight', async () => {
    const t = setup(async () => {
      await t.clock.sleep(1_000);
      return { requeueAfter: 5_000 };
    });
    t.queue.add('a');
    t.queue.add('b');
    t.queue.addAfter('c', 2_000);
    await t.clock.advance(500);
    t.queue.remove('a');
    t.queue.remove('c');
    await t.clock.advance(20_000);
    expect(t.startsOf('a')).toEqual([0]);
    expect(t.startsOf('b')).toEqual([0, 6_000, 12_000, 18_000]);
    expect(t.startsOf('c')).toEqual([]);
  });

  it('reports depth, in-flight count, outcomes and durations measured on the clock', async () => {
    const t = setup((key) => t.clock.sleep(key === 'slow' ? 4_000 : 1_000), { concurrency: 1 });
    t.queue.add('slow');
    t.queue.add('fast');
    await t.clock.advance(0);
    expect(t.queue.stats()).toMatchObject({ depth: 1, inFlight: 1, waiting: 0 });
    await t.clock.advance(10_000);
    expect(t.queue.stats()).toEqual({
      depth: 0,
      lanes: { urgent: 0, steady: 0 },
      waiting: 0,
      inFlight: 0,
      reconciles: { success: 2, requeue: 0, error: 0, throttled: 0 },
      durations: { count: 2, totalMs: 5_000, maxMs: 4_000 },
    });
    expect(t.events.map((e) => [e.key, e.durationMs])).toEqual([
      ['slow', 4_000],
      ['fast', 1_000],
    ]);
  });

  it('idle resolves only once nothing is queued or in flight', async () => {
    const t = setup(() => t.clock.sleep(1_000), { concurrency: 1 });
    t.queue.add('a');
    t.queue.add('b');
    let settled = false;
    const idle = t.queue.idle().then(() => (settled = true));
    await t.clock.advance(1_500);
    expect(settled).toBe(false);
    await t.clock.advance(500);
    await idle;
    expect(t.clock.now()).toBe(2_000);
  });

  describe('shutdown', () => {
    it('with drain, runs what is queued, waits for it, and takes no new work', async () => {
      const t = setup(async () => {
        await t.clock.sleep(1_000);
        return { requeueAfter: 500 };
      }, { concurrency: 1 });
      t.queue.add('a');
      t.queue.add('b');
      t.queue.add('c');
      await t.clock.advance(500);
      let done = false;
      const stopping = t.queue.shutdown({ drain: true }).then(() => (done = true));
      t.queue.add('d');
      await t.clock.advance(2_000);
      expect(done).toBe(false);
      await t.clock.advance(1_000);
      await stopping;
      expect(t.clock.now()).toBe(3_500);
      await t.clock.advance(60_000);
      expect(t.runs.map((r) => [r.key, r.start, r.end])).toEqual([
        ['a', 0, 1_000],
        ['b', 1_000, 2_000],
        ['c', 2_000, 3_000],
      ]);
    });

    it('without drain, waits only for reconciles in flight and drops the queue', async () => {
      const t = setup(() => t.clock.sleep(1_000), { concurrency: 2 });
      for (const key of ['a', 'b', 'c', 'd']) t.queue.add(key);
      t.queue.addAfter('e', 200);
      await t.clock.advance(500);
      const stopping = t.queue.shutdown({ drain: false });
      await t.clock.advance(600);
      await stopping;
      await t.clock.advance(60_000);
      expect(t.runs.map((r) => [r.key, r.end])).toEqual([
        ['a', 1_000],
        ['b', 1_000],
      ]);
    });
  });
});

describe('WorkQueue lanes', () => {
  /** One key at a time, each pass 1 s: the order of starts is the order the queue chose. */
  const oneAtATime = (behaviour: Behaviour = async () => undefined) => {
    const t = setup(async (key, call) => {
      await t.clock.sleep(1_000);
      return behaviour(key, call);
    }, { concurrency: 1 });
    return t;
  };
  const started = (t: ReturnType<typeof setup>) => t.runs.map((r) => r.key);

  it('starts urgent keys before steady ones queued earlier, FIFO within each lane', async () => {
    const t = oneAtATime();
    for (const key of ['s1', 's2', 's3']) t.queue.add(key, 'steady');
    t.queue.add('u1');
    t.queue.add('u2', 'urgent');
    expect(t.queue.stats().lanes).toEqual({ urgent: 2, steady: 3 });
    await t.clock.advance(10_000);
    expect(started(t)).toEqual(['u1', 'u2', 's1', 's2', 's3']);
  });

  it('runs a key queued in both lanes once, from the urgent lane', async () => {
    const t = oneAtATime();
    t.queue.add('first', 'steady');
    t.queue.add('a', 'steady');
    t.queue.add('b', 'steady');
    t.queue.add('b');
    t.queue.add('a', 'steady');
    // Steady again after urgent: stays urgent.
    t.queue.add('b', 'steady');
    expect(t.queue.stats()).toMatchObject({ depth: 3, lanes: { urgent: 1, steady: 2 } });
    await t.clock.advance(10_000);
    expect(started(t)).toEqual(['b', 'first', 'a']);
  });

  it('never starves the steady lane: one steady key after every four urgent ones while both wait', async () => {
    const t = oneAtATime();
    for (let i = 0; i < 3; i++) t.queue.add(`s${i}`, 'steady');
    for (let i = 0; i < 10; i++) t.queue.add(`u${i}`);
    await t.clock.advance(20_000);
    expect(started(t)).toEqual(['u0', 'u1', 'u2', 'u3', 's0', 'u4', 'u5', 'u6', 'u7', 's1', 'u8', 'u9', 's2']);
  });

  it('keeps a key added while in flight in the lane it was added to, and runs it once after', async () => {
    const t = oneAtATime();
    t.queue.add('a', 'steady');
    t.queue.add('s', 'steady');
    await t.clock.advance(500);
    // a is in flight: added steady then urgent, it runs once more, before s.
    t.queue.add('a', 'steady');
    t.queue.add('a');
    await t.clock.advance(10_000);
    expect(started(t)).toEqual(['a', 'a', 's']);
  });

  it('requeues in the lane the pass asks for', async () => {
    const t = oneAtATime(async (key, call) => (key === 'r' && call === 1 ? { requeueAfter: 5_000, lane: 'urgent' } : undefined));
    t.queue.add('r', 'steady');
    await t.clock.advance(5_500);
    for (let i = 0; i < 4; i++) t.queue.add(`s${i}`, 'steady');
    await t.clock.advance(10_000);
    // r is due at 6 s while s0 runs, and goes before the steady keys queued before it.
    expect(started(t)).toEqual(['r', 's0', 'r', 's1', 's2', 's3']);
  });

  it('retries a failed pass in the lane the key ran from', async () => {
    const t = oneAtATime(async (key, call) => {
      if (key === 'f' && call === 1) throw new Error('boom');
    });
    t.queue.add('f', 'steady');
    await t.clock.advance(1_500);
    t.queue.add('s0', 'steady');
    t.queue.add('u0');
    t.queue.add('u1');
    await t.clock.advance(10_000);
    // f's retry comes at 2 s, behind the urgent keys and the steady one queued before it.
    expect(started(t)).toEqual(['f', 'u0', 'u1', 's0', 'f']);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, stops at the cap, and jitter only shortens it', () => {
    const none = () => 0;
    const most = () => 0.999_999;
    expect([1, 2, 3, 4, 9].map((n) => backoffDelay(n, none, 1_000, 300_000))).toEqual([1_000, 2_000, 4_000, 8_000, 256_000]);
    expect(backoffDelay(10, none, 1_000, 300_000)).toBe(300_000);
    expect(backoffDelay(50, none, 1_000, 300_000)).toBe(300_000);
    expect(backoffDelay(1, most, 1_000, 300_000)).toBe(750);
    expect(backoffDelay(50, most, 1_000, 300_000)).toBe(225_000);
  });

  it('spreads keys that failed at the same moment', () => {
    const sequence = [0.1, 0.5, 0.9];
    const delays = sequence.map((r) => backoffDelay(3, () => r, 1_000, 300_000));
    expect(new Set(delays).size).toBe(3);
    expect(delays.every((d) => d > 3_000 && d <= 4_000)).toBe(true);
  });
});
