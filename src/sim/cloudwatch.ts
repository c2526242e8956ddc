// CloudWatch's API over the metric store: GetMetricData (metric stats and metric math) and
// alarms evaluated every minute.

import { CloudError } from '../cloud/errors.js';
import type { AlarmInfo, AlarmState, MetricDataQuery, MetricDataResult } from '../cloud/ports.js';
import type { SimContext } from './context.js';
import { evaluate, parseExpression, references, type MathValue } from './metric-math.js';
import type { MetricStore } from './metrics.js';
import type { ComparisonOperator } from './world.js';

export interface SimAlarm {
  name: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  periodSeconds: number;
  threshold: number;
  comparison: ComparisonOperator;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  state: AlarmState;
  reason: string;
  updatedAt: number;
}

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const MINUTE_MS = 60_000;

export const CLOUDWATCH_DEFAULTS = {
  /**
   * How long after its minute ends an ALB datapoint is visible. ELB sends its metrics in 60-second
   * intervals; AWS documents no ingestion time, so two minutes is an estimate of what is seen,
   * not a documented figure (docs/sim-world.md, CloudWatch).
   */
  publicationDelayMs: 120_000,
} as const;

function invalid(message: string): CloudError {
  return new CloudError('Invalid', message, { service: 'cloudwatch', operation: 'GetMetricData', awsCode: 'ValidationError' });
}

export class CloudWatchModel {
  readonly alarms = new Map<string, SimAlarm>();

  constructor(
    private readonly ctx: SimContext,
    readonly store: MetricStore,
  ) {}

  getMetricData(queries: readonly MetricDataQuery[], asked: { start: number; end: number }): MetricDataResult[] {
    // As CloudWatch does for a start under 15 days old: rounded down to the whole minute.
    const range = { start: Math.floor(asked.start / MINUTE_MS) * MINUTE_MS, end: asked.end };
    const byId = new Map<string, MetricDataQuery>();
    for (const q of queries) {
      if (!QUERY_ID.test(q.id)) throw invalid(`Query id "${q.id}" must start with a lower-case letter and contain only letters, digits and _`);
      if (byId.has(q.id)) throw invalid(`Duplicate query id "${q.id}"`);
      if ((q.expression === undefined) === (q.metricStat === undefined)) throw invalid(`Query "${q.id}" needs exactly one of expression and metricStat`);
      byId.set(q.id, q);
    }
    const values = new Map<string, MathValue>();
    const grid = new Set<number>();
    for (const q of queries) {
      if (!q.metricStat) continue;
      const m = q.metricStat;
      const series = this.store.query(m.namespace, m.metricName, m.dimensions, m.stat, m.period, range);
      values.set(q.id, new Map(series.timestamps.map((t, i) => [t, series.values[i] as number])));
      for (const t of series.timestamps) grid.add(t);
    }
    const gridList = [...grid].sort((a, b) => a - b);
    const resolving = new Set<string>();
    const resolve = (id: string): MathValue => {
      const known = values.get(id);
      if (known !== undefined) return known;
      const q = byId.get(id);
      if (!q?.expression) throw invalid(`Unknown query id "${id}"`);
      if (resolving.has(id)) throw invalid(`Circular reference in query "${id}"`);
      resolving.add(id);
      const node = parseExpression(q.expression);
      for (const ref of references(node)) if (!byId.has(ref)) throw invalid(`Query "${id}" refers to unknown id "${ref}"`);
      const value = evaluate(node, resolve, gridList);
      values.set(id, value);
      return value;
    };
    return queries
      .filter((q) => q.returnData !== false)
      .map((q) => toResult(q.id, resolve(q.id), gridList));
  }

  describeAlarms(names: readonly string[]): AlarmInfo[] {
    const out: AlarmInfo[] = [];
    for (const name of names) {
      const a = this.alarms.get(name);
      if (a) out.push({ name: a.name, state: a.state, reason: a.reason, updatedAt: a.updatedAt });
    }
    return out;
  }

  /**
   * Evaluates every alarm on what is published: over an evaluation range that reaches further
   * back than evaluationPeriods (by the periods the publication delay covers, and one more), on
   * its most recent evaluationPeriods datapoints, as CloudWatch does when the newest are missing
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
   */
  evaluateAlarms(now: number): void {
    for (const alarm of this.alarms.values()) {
      const series = this.store.query(alarm.namespace, alarm.metricName, alarm.dimensions, alarm.stat, alarm.periodSeconds, alarmEvaluationRange(alarm, this.store.publicationDelayMs, now));
      const evaluated = series.values.slice(0, alarm.evaluationPeriods);
      const breaching = evaluated.filter((v) => breaches(v, alarm.comparison, alarm.threshold));
      let state: AlarmState;
      let reason: string;
      const shown = evaluated.map((v) => round(v)).join(', ');
      if (evaluated.length === 0) {
        state = 'INSUFFICIENT_DATA';
        reason = `Insufficient Data: no datapoints in the last ${alarm.evaluationPeriods} period(s).`;
      } else if (breaching.length >= alarm.datapointsToAlarm) {
        state = 'ALARM';
        reason = `Threshold Crossed: ${breaching.length} out of the last ${alarm.evaluationPeriods} datapoints [${shown}] ${describe(alarm.comparison)} the threshold (${alarm.threshold}).`;
      } else {
        state = 'OK';
        reason = `Threshold Crossed: ${breaching.length} out of the last ${alarm.evaluationPeriods} datapoints [${shown}] ${describe(alarm.comparison)} the threshold (${alarm.threshold}); ${alarm.datapointsToAlarm} needed.`;
      }
      if (state !== alarm.state) {
        this.ctx.events.add(now, 'alarm.state', alarm.name, `${alarm.state} -> ${state}: ${reason}`);
        alarm.state = state;
        alarm.updatedAt = now;
      }
      alarm.reason = reason;
    }
  }
}

function toResult(id: string, value: MathValue, grid: readonly number[]): MetricDataResult {
  if (typeof value === 'number') {
    const timestamps = Number.isFinite(value) ? [...grid].reverse() : [];
    return { id, timestamps, values: timestamps.map(() => value) };
  }
  const timestamps = [...value.keys()].sort((a, b) => b - a);
  return { id, timestamps, values: timestamps.map((t) => value.get(t) as number) };
}

function breaches(value: number, comparison: ComparisonOperator, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

function describe(comparison: ComparisonOperator): string {
  return {
    GreaterThanThreshold: 'were greater than',
    GreaterThanOrEqualToThreshold: 'were greater than or equal to',
    LessThanThreshold: 'were less than',
    LessThanOrEqualToThreshold: 'were less than or equal to',
  }[comparison];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * The range an alarm is evaluated over: back past its evaluationPeriods by the periods the
 * publication delay covers, and one more, so the newest published datapoints are in it.
 */
export function alarmEvaluationRange(alarm: { periodSeconds: number; evaluationPeriods: number }, publicationDelayMs: number, now: number): { start: number; end: number } {
  const period = alarm.periodSeconds * 1000;
  const end = Math.floor(now / period) * period;
  const rangePeriods = alarm.evaluationPeriods + Math.ceil(publicationDelayMs / period) + 1;
  return { start: end - rangePeriods * period, end };
}
