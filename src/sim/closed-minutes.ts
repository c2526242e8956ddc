// A series' closed minutes, kept in columns rather than an object and two Maps per datapoint: a
// world of 20,000 services has ~320,000 series and CloudWatch keeps every 1-minute datapoint for
// 15 days, so the per-datapoint cost is what the world's memory grows by. Most datapoints are one
// sample (a count's per-minute total: sum = min = max, sample count 1), and most series have one
// every minute; such a datapoint costs one number. A column is added only when some datapoint
// needs it, and what a column leaves out is exactly derivable: merging a datapoint from here gives
// the same Datapoint, entry for entry and in the same order, as merging the one that was closed.

import type { LatencyDistribution } from './latency.js';

export const MINUTE = 60_000;

export interface MixEntry {
  dist: LatencyDistribution;
  weight: number;
}

/** A datapoint as it is built and merged (open minutes, query buckets); the Maps are made on first use. */
export interface Datapoint {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  /** Sample value → weight, for percentiles of counts and gauges. */
  values?: Map<number, number>;
  /** Latency distribution key → distribution and request count, for latency percentiles. */
  mix?: Map<string, MixEntry>;
}

export function emptyDatapoint(): Datapoint {
  return { sampleCount: 0, sum: 0, min: Infinity, max: -Infinity };
}

/**
 * A count's closed minute: one sample, its total. No values Map: without one (and without a mix)
 * a datapoint's values are its min, sampleCount times, which is all a closed minute keeps of it.
 */
export function countDatapoint(total: number): Datapoint {
  return { sampleCount: 1, sum: total, min: total, max: total };
}

export function addSample(dp: Datapoint, value: number, weight: number): void {
  dp.sampleCount += weight;
  dp.sum += value * weight;
  dp.min = Math.min(dp.min, value);
  dp.max = Math.max(dp.max, value);
  const values = (dp.values ??= new Map());
  values.set(value, (values.get(value) ?? 0) + weight);
}

export function addMix(dp: Datapoint, dist: LatencyDistribution, weight: number): void {
  const mix = (dp.mix ??= new Map());
  const entry = mix.get(dist.key);
  if (entry) entry.weight += weight;
  else mix.set(dist.key, { dist, weight });
}

/** The values are `{ min: sampleCount }` (or absent, which says the same), which min and the sample count already say. */
function valuesDerivable(dp: Datapoint): boolean {
  if (dp.min !== dp.max || dp.mix?.size) return false;
  return dp.values === undefined || (dp.values.size === 1 && dp.values.get(dp.min) === dp.sampleCount);
}

/** A single sample: sum, min and max are the value, its weight 1. */
function isOneSample(dp: Datapoint): boolean {
  return dp.sampleCount === 1 && dp.sum === dp.min && valuesDerivable(dp);
}

export class ClosedMinutes {
  private size = 0;
  /** Minute start of entry 0; entries are consecutive minutes until a gap makes `minutes` needed. */
  private first = 0;
  private minutes?: number[];
  private readonly sums: number[] = [];
  /** Present once a datapoint is not a single sample. */
  private counts?: number[];
  private mins?: number[];
  private maxs?: number[];
  /** Sample values and weights in the order first added ([v0, w0, v1, w1, …]), where not derivable. */
  private values?: (number[] | undefined)[];
  /** A latency mix: its only distribution when it carries every request, else its entries. */
  private mixes?: (LatencyDistribution | MixEntry[] | undefined)[];

  get length(): number {
    return this.size;
  }

  minuteAt(i: number): number {
    return this.minutes ? (this.minutes[i] as number) : this.first + i * MINUTE;
  }

  /** Appends the datapoint of a minute later than every one held. */
  append(minute: number, dp: Datapoint): void {
    const i = this.size;
    if (i > 0 && minute <= this.minuteAt(i - 1)) throw new RangeError(`minute ${minute} is not after the last closed minute ${this.minuteAt(i - 1)}`);
    if (i === 0) this.first = minute;
    else if (!this.minutes && minute !== this.first + i * MINUTE) this.minutes = Array.from({ length: i }, (_, k) => this.first + k * MINUTE);
    this.minutes?.push(minute);
    if (!isOneSample(dp)) this.addColumns();
    this.sums.push(dp.sum);
    if (this.counts) {
      this.counts.push(dp.sampleCount);
      (this.mins as number[]).push(dp.min);
      (this.maxs as number[]).push(dp.max);
    }
    const mix = dp.mix?.size ? dp.mix : undefined;
    const values = !valuesDerivable(dp) ? (dp.values ?? new Map<number, number>()) : undefined;
    if (mix) {
      this.mixes ??= new Array<undefined>(i).fill(undefined);
      const only = mix.size === 1 ? (mix.values().next().value as MixEntry) : undefined;
      this.mixes.push(only && only.weight === dp.sampleCount ? only.dist : [...mix.values()].map((m) => ({ dist: m.dist, weight: m.weight })));
    } else this.mixes?.push(undefined);
    // With a mix, absent values mean none (a latency datapoint has none); without, they are derived.
    const explicit = values && (values.size > 0 || !mix) ? [...values].flat() : undefined;
    if (explicit) this.values ??= new Array<undefined>(i).fill(undefined);
    this.values?.push(explicit);
    this.size++;
  }

  /** The first entry at or after `minute`. */
  indexOf(minute: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.minuteAt(mid) < minute) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Merges entry i into `into`, as merging the datapoint it was made from would. */
  mergeInto(into: Datapoint, i: number): void {
    const sum = this.sums[i] as number;
    const count = this.counts ? (this.counts[i] as number) : 1;
    const min = this.mins ? (this.mins[i] as number) : sum;
    const max = this.maxs ? (this.maxs[i] as number) : sum;
    into.sampleCount += count;
    into.sum += sum;
    into.min = Math.min(into.min, min);
    into.max = Math.max(into.max, max);
    const mix = this.mixes?.[i];
    const values = this.values?.[i];
    if (values) {
      const map = (into.values ??= new Map());
      for (let k = 0; k < values.length; k += 2) map.set(values[k] as number, (map.get(values[k] as number) ?? 0) + (values[k + 1] as number));
    } else if (!mix) {
      const map = (into.values ??= new Map());
      map.set(min, (map.get(min) ?? 0) + count);
    }
    if (Array.isArray(mix)) for (const m of mix) addMix(into, m.dist, m.weight);
    else if (mix) addMix(into, mix, count);
  }

  private addColumns(): void {
    if (this.counts) return;
    this.counts = new Array<number>(this.size).fill(1);
    this.mins = this.sums.slice();
    this.maxs = this.sums.slice();
  }
}
