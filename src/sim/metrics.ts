// CloudWatch-style metrics: per-minute datapoints per metric and dimension set, closed when the
// minute ends and published a publication delay later (ELB sends its metrics in 60-second
// intervals; CloudWatch shows a minute's datapoint some time after the minute), and statistics
// over any period that is a multiple of 60 seconds.

import { CloudError } from '../cloud/errors.js';
import { mixQuantile, type LatencyDistribution } from './latency.js';

/** count: a per-minute total; gauge: one sample per tick; latency: seconds per request. */
export type MetricKind = 'count' | 'gauge' | 'latency';

export interface Datapoint {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  /** Sample value → weight, for percentiles of counts and gauges. */
  values: Map<number, number>;
  /** Latency distribution key → distribution and request count, for latency percentiles. */
  mix: Map<string, { dist: LatencyDistribution; weight: number }>;
}

export const MINUTE = 60_000;

function emptyDatapoint(): Datapoint {
  return { sampleCount: 0, sum: 0, min: Infinity, max: -Infinity, values: new Map(), mix: new Map() };
}

export class Series {
  /** Closed minutes: minute start → datapoint. */
  readonly points = new Map<number, Datapoint>();
  private open = emptyDatapoint();
  private openTotal = 0;

  constructor(
    readonly kind: MetricKind,
    readonly key: string,
  ) {}

  count(n: number): void {
    this.openTotal += n;
  }

  sample(value: number): void {
    addSample(this.open, value, 1);
  }

  latency(dist: LatencyDistribution, requests: number): void {
    if (requests <= 0) return;
    const dp = this.open;
    dp.sampleCount += requests;
    dp.sum += (requests * dist.meanMs) / 1000;
    dp.min = Math.min(dp.min, (dist.points[0] as number) / 1000);
    dp.max = Math.max(dp.max, (dist.points[dist.points.length - 1] as number) / 1000);
    const entry = dp.mix.get(dist.key);
    if (entry) entry.weight += requests;
    else dp.mix.set(dist.key, { dist, weight: requests });
  }

  /** Ends the open minute; its datapoint, if any, for publishing later. */
  close(publishZeroCounts: boolean): Datapoint | undefined {
    if (this.kind === 'count') {
      const total = this.openTotal;
      this.openTotal = 0;
      if (total <= 0 && !publishZeroCounts) return undefined;
      const dp = emptyDatapoint();
      addSample(dp, total, 1);
      return dp;
    }
    const dp = this.open;
    this.open = emptyDatapoint();
    return dp.sampleCount > 0 ? dp : undefined;
  }
}

function addSample(dp: Datapoint, value: number, weight: number): void {
  dp.sampleCount += weight;
  dp.sum += value * weight;
  dp.min = Math.min(dp.min, value);
  dp.max = Math.max(dp.max, value);
  dp.values.set(value, (dp.values.get(value) ?? 0) + weight);
}

function merge(into: Datapoint, dp: Datapoint): void {
  into.sampleCount += dp.sampleCount;
  into.sum += dp.sum;
  into.min = Math.min(into.min, dp.min);
  into.max = Math.max(into.max, dp.max);
  for (const [v, w] of dp.values) into.values.set(v, (into.values.get(v) ?? 0) + w);
  for (const [k, m] of dp.mix) {
    const entry = into.mix.get(k);
    if (entry) entry.weight += m.weight;
    else into.mix.set(k, { dist: m.dist, weight: m.weight });
  }
}

const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?|100)$/;

export function isStatistic(stat: string): boolean {
  return ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(stat) || PERCENTILE.test(stat);
}

export function statistic(dp: Datapoint, stat: string): number | undefined {
  switch (stat) {
    case 'Sum':
      return dp.sum;
    case 'Average':
      return dp.sampleCount > 0 ? dp.sum / dp.sampleCount : undefined;
    case 'Minimum':
      return dp.min;
    case 'Maximum':
      return dp.max;
    case 'SampleCount':
      return dp.sampleCount;
  }
  const match = PERCENTILE.exec(stat);
  if (!match) throw new CloudError('Invalid', `Unsupported statistic ${stat}`, { service: 'cloudwatch', awsCode: 'InvalidParameterValue' });
  const q = Number(match[1]) / 100;
  if (dp.mix.size > 0) {
    const ms = mixQuantile([...dp.mix.values()], q);
    return ms === undefined ? undefined : ms / 1000;
  }
  return weightedPercentile(dp.values, q);
}

function weightedPercentile(values: Map<number, number>, q: number): number | undefined {
  const sorted = [...values.entries()].sort(([a], [b]) => a - b);
  const total = sorted.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) return undefined;
  let seen = 0;
  for (const [v, w] of sorted) {
    seen += w;
    if (seen >= q * total) return v;
  }
  return sorted[sorted.length - 1]?.[0];
}

export function seriesKey(namespace: string, metricName: string, dimensions: Record<string, string>): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

export interface SeriesValues {
  timestamps: number[];
  values: number[];
}

/** Closed minutes waiting for their publication time, oldest first. */
interface PendingMinute {
  minute: number;
  publishAt: number;
  datapoints: [Series, Datapoint][];
}

export class MetricStore {
  private readonly series = new Map<string, Series>();
  private readonly pending: PendingMinute[] = [];

  constructor(
    private readonly publishZeroCounts = true,
    /** How long after its minute ends a datapoint becomes visible. */
    readonly publicationDelayMs = 0,
  ) {}

  define(namespace: string, metricName: string, dimensions: Record<string, string>, kind: MetricKind): Series {
    const key = seriesKey(namespace, metricName, dimensions);
    let s = this.series.get(key);
    if (!s) {
      s = new Series(kind, key);
      this.series.set(key, s);
    }
    return s;
  }

  /** Ends the minute starting at `minute`: its datapoints become visible a publication delay after it ends. */
  closeMinute(minute: number): void {
    const datapoints: [Series, Datapoint][] = [];
    for (const s of this.series.values()) {
      const dp = s.close(this.publishZeroCounts);
      if (dp) datapoints.push([s, dp]);
    }
    this.pending.push({ minute, publishAt: minute + MINUTE + this.publicationDelayMs, datapoints });
    this.publish(minute + MINUTE);
  }

  /** Makes visible every closed minute whose publication time has come. */
  publish(now: number): void {
    while (this.pending.length > 0 && (this.pending[0] as PendingMinute).publishAt <= now) {
      const { minute, datapoints } = this.pending.shift() as PendingMinute;
      for (const [s, dp] of datapoints) s.points.set(minute, dp);
    }
  }

  /** One statistic per period over [start, end), newest first; periods without data are left out. */
  query(namespace: string, metricName: string, dimensions: Record<string, string>, stat: string, periodSeconds: number, range: { start: number; end: number }): SeriesValues {
    const period = periodSeconds * 1000;
    if (!Number.isInteger(periodSeconds) || period <= 0 || period % MINUTE !== 0) {
      throw new CloudError('Invalid', `Period must be a multiple of 60 seconds (got ${periodSeconds})`, { service: 'cloudwatch', awsCode: 'InvalidParameterValue' });
    }
    if (!isStatistic(stat)) throw new CloudError('Invalid', `Unsupported statistic ${stat}`, { service: 'cloudwatch', awsCode: 'InvalidParameterValue' });
    const s = this.series.get(seriesKey(namespace, metricName, dimensions));
    const buckets = new Map<number, Datapoint>();
    if (s) {
      for (const [minute, dp] of s.points) {
        if (minute < range.start || minute >= range.end) continue;
        const bucket = Math.floor(minute / period) * period;
        let into = buckets.get(bucket);
        if (!into) buckets.set(bucket, (into = emptyDatapoint()));
        merge(into, dp);
      }
    }
    const out: SeriesValues = { timestamps: [], values: [] };
    for (const bucket of [...buckets.keys()].sort((a, b) => b - a)) {
      const value = statistic(buckets.get(bucket) as Datapoint, stat);
      if (value === undefined || !Number.isFinite(value)) continue;
      out.timestamps.push(bucket);
      out.values.push(value);
    }
    return out;
  }
}
