import { describe, expect, it } from 'vitest';
import { addMix, addSample, ClosedMinutes, countDatapoint, emptyDatapoint, MINUTE, type Datapoint } from '../../../src/sim/closed-minutes.js';
import { latencyDistribution } from '../../../src/sim/latency.js';
import { MetricStore, statistic } from '../../../src/sim/metrics.js';
import { randomStream } from '../../../src/sim/random.js';

const DISTS = [latencyDistribution({ p50: 40, p95: 90, p99: 150 }), latencyDistribution({ p50: 300, p95: 900, p99: 1500 }), latencyDistribution({ p50: 60, p95: 80, p99: 100 })];
const STATS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount', 'p50', 'p90', 'p99', 'p99.9', 'p100', 'p0'];

/** Merging as closed minutes were merged before they were kept in columns: every datapoint whole, with both Maps. */
function referenceMerge(into: Datapoint, dp: Datapoint): void {
  into.sampleCount += dp.sampleCount;
  into.sum += dp.sum;
  into.min = Math.min(into.min, dp.min);
  into.max = Math.max(into.max, dp.max);
  const values = (into.values ??= new Map());
  for (const [v, w] of dp.values ?? []) values.set(v, (values.get(v) ?? 0) + w);
  for (const m of dp.mix?.values() ?? []) addMix(into, m.dist, m.weight);
}

/** A series of every shape a minute can take: one sample, repeated and varied samples, latency mixes, both at once, gaps. */
function mixedSeries(seed: number, minutes: number): [number, Datapoint][] {
  const random = randomStream(seed, 'closed-minutes');
  const pick = (n: number): number => Math.floor(random.next() * n);
  const out: [number, Datapoint][] = [];
  for (let m = 0; m < minutes; m++) {
    if (pick(6) === 0) continue;
    const dp = emptyDatapoint();
    switch (pick(5)) {
      case 0:
        addSample(dp, pick(50), 1);
        break;
      case 1:
        for (let k = 0, n = 1 + pick(60), v = pick(4); k < n; k++) addSample(dp, v, 1);
        break;
      case 2:
        for (let k = 0, n = 1 + pick(60); k < n; k++) addSample(dp, pick(5) + random.next(), 1 + pick(3));
        break;
      case 3:
        for (let k = 0, n = 1 + pick(4); k < n; k++) {
          const dist = DISTS[pick(DISTS.length)] as (typeof DISTS)[number];
          const requests = 1 + pick(500);
          dp.sampleCount += requests;
          dp.sum += (requests * dist.meanMs) / 1000;
          dp.min = Math.min(dp.min, (dist.points[0] as number) / 1000);
          dp.max = Math.max(dp.max, (dist.points[4] as number) / 1000);
          addMix(dp, dist, requests);
        }
        break;
      default:
        addSample(dp, 0.25 * pick(8), 1);
        addMix(dp, DISTS[0] as (typeof DISTS)[number], 3);
        dp.sampleCount += 3;
    }
    out.push([m * MINUTE, dp]);
  }
  return out;
}

describe('closed minutes kept in columns', () => {
  it('give every statistic, percentiles included, exactly as whole datapoints did, over any period and range', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const series = mixedSeries(seed, 240);
      const closed = new ClosedMinutes();
      for (const [minute, dp] of series) closed.append(minute, dp);
      for (const periodMinutes of [1, 5, 60]) {
        for (const range of [{ start: 0, end: 240 * MINUTE }, { start: 37 * MINUTE, end: 181 * MINUTE }, { start: 300 * MINUTE, end: 400 * MINUTE }]) {
          const period = periodMinutes * MINUTE;
          const reference = new Map<number, Datapoint>();
          const compact = new Map<number, Datapoint>();
          for (const [minute, dp] of series) {
            if (minute < range.start || minute >= range.end) continue;
            const bucket = Math.floor(minute / period) * period;
            if (!reference.has(bucket)) reference.set(bucket, emptyDatapoint());
            referenceMerge(reference.get(bucket) as Datapoint, dp);
          }
          for (let i = closed.indexOf(range.start); i < closed.length && closed.minuteAt(i) < range.end; i++) {
            const bucket = Math.floor(closed.minuteAt(i) / period) * period;
            if (!compact.has(bucket)) compact.set(bucket, emptyDatapoint());
            closed.mergeInto(compact.get(bucket) as Datapoint, i);
          }
          const where = `seed ${seed}, period ${periodMinutes} min, range ${range.start / MINUTE}–${range.end / MINUTE}`;
          expect([...compact.keys()], where).toEqual([...reference.keys()]);
          for (const [bucket, want] of reference) {
            const got = compact.get(bucket) as Datapoint;
            for (const stat of STATS) expect(statistic(got, stat), `${where}, ${stat} at ${bucket / MINUTE}`).toBe(statistic(want, stat));
            // Same entries in the same order: sums over them add up in the same order.
            expect([...(got.values ?? [])], where).toEqual([...(want.values ?? [])]);
            expect([...(got.mix?.values() ?? [])].map((m) => [m.dist.key, m.weight]), where).toEqual([...(want.mix?.values() ?? [])].map((m) => [m.dist.key, m.weight]));
          }
        }
      }
    }
  });

  it('keep a count series with a datapoint every minute as one number a minute, and find minutes after a gap', () => {
    const closed = new ClosedMinutes();
    for (let m = 0; m < 10; m++) {
      const dp = emptyDatapoint();
      addSample(dp, m * 3, 1);
      closed.append(m * MINUTE, dp);
    }
    const dp = emptyDatapoint();
    addSample(dp, 7, 1);
    closed.append(15 * MINUTE, dp);
    expect(closed.length).toBe(11);
    expect(closed.minuteAt(9)).toBe(9 * MINUTE);
    expect(closed.minuteAt(10)).toBe(15 * MINUTE);
    expect(closed.indexOf(12 * MINUTE)).toBe(10);
    expect(() => closed.append(15 * MINUTE, dp)).toThrow(RangeError);
  });

  it('take a count minute built without a values Map as the one-sample datapoint it stands for', () => {
    const withMap = new ClosedMinutes();
    const without = new ClosedMinutes();
    const totals = [0, 4, 4, 9, 0, 1];
    for (const [m, total] of totals.entries()) {
      const dp = emptyDatapoint();
      addSample(dp, total, 1);
      withMap.append(m * MINUTE, dp);
      expect(countDatapoint(total).values).toBeUndefined();
      without.append(m * MINUTE, countDatapoint(total));
    }
    for (const period of [1, 2, 6]) {
      for (let start = 0; start < totals.length; start += period) {
        const a = emptyDatapoint();
        const b = emptyDatapoint();
        for (let i = start; i < Math.min(totals.length, start + period); i++) {
          withMap.mergeInto(a, i);
          without.mergeInto(b, i);
        }
        expect(b).toEqual(a);
      }
    }
  });

  it('answer queries through the metric store as before: a gauge, a count and a latency series', () => {
    const store = new MetricStore(true, 0);
    const gauge = store.define('NS', 'G', { A: '1' }, 'gauge');
    const count = store.define('NS', 'C', { A: '1' }, 'count');
    const latency = store.define('NS', 'L', { A: '1' }, 'latency');
    for (let m = 0; m < 3; m++) {
      for (let s = 0; s < 60; s++) gauge.sample(s % 7 === 0 ? 10 : 2);
      count.count(5 + m);
      latency.latency(DISTS[m % 2] as (typeof DISTS)[number], 100);
      store.closeMinute(m * MINUTE);
    }
    const range = { start: 0, end: 3 * MINUTE };
    expect(store.query('NS', 'C', { A: '1' }, 'Sum', 180, range)).toEqual({ timestamps: [0], values: [18] });
    expect(store.query('NS', 'C', { A: '1' }, 'p50', 60, range).values).toEqual([7, 6, 5]);
    expect(store.query('NS', 'G', { A: '1' }, 'p90', 180, range).values).toEqual([10]);
    expect(store.query('NS', 'G', { A: '1' }, 'p50', 180, range).values).toEqual([2]);
    expect(store.query('NS', 'L', { A: '1' }, 'p50', 60, range).values).toEqual([0.04, 0.3, 0.04]);
  });
});
