// CloudWatch-style metrics: per-minute datapoints per metric and dimension set, closed when the
// minute ends and published a publication delay later (ELB sends its metrics in 60-second
// intervals; CloudWatch shows a minute's datapoint some time after the minute), and statistics
// over any period that is a multiple of 60 seconds.

import { CloudError } from '../cloud/errors.js';
import { addMix, addSample, ClosedMinutes, countDatapoint, emptyDatapoint, MINUTE, type Datapoint } from './closed-minutes.js';
import { mixQuantile, type LatencyDistribution } from './latency.js';

/** count: a per-minute total; gauge: one sample per tick; latency: seconds per request. */
export type MetricKind = 'count' | 'gauge' | 'latency';

export { MINUTE };

export class Series {
  /** Closed minutes, oldest first. */
  readonly points = new ClosedMinutes();
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
    addMix(dp, dist, requests);
  }

  /** Ends the open minute; its datapoint, if any, for publishing later. */
  close(publishZeroCounts: boolean): Datapoint | undefined {
    if (this.kind === 'count') {
      const total = this.openTotal;
      this.openTotal = 0;
      if (total <= 0 && !publishZeroCounts) return undefined;
      return countDatapoint(total);
    }
    const dp = this.open;
    this.open = emptyDatapoint();
    return dp.sampleCount > 0 ? dp : undefined;
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
  if (dp.mix?.size) {
    const ms = mixQuantile([...dp.mix.values()], q);
    return ms === undefined ? undefined : ms / 1000;
  }
  return weightedPercentile(dp.values ?? new Map(), q);
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
      for (const [s, dp] of datapoints) s.points.append(minute, dp);
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
      const points = s.points;
      for (let i = points.indexOf(range.start); i < points.length; i++) {
        const minute = points.minuteAt(i);
        if (minute >= range.end) break;
        const bucket = Math.floor(minute / period) * period;
        let into = buckets.get(bucket);
        if (!into) buckets.set(bucket, (into = emptyDatapoint()));
        points.mergeInto(into, i);
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
