// The CloudWatch queries behind a metric condition, for one colour, and how to read a value
// back out of the answer. Every query id carries a prefix (`c3_` for the canary of condition
// 3, `b3_` for its baseline) so all metric conditions of a pass fit in one GetMetricData.
import { formatDuration } from '../api/duration.js';
import type { BuiltinMetric, MetricCheck, MetricQuery } from '../api/types.js';
import { loadBalancerArnSuffix, targetGroupArnSuffix } from '../cloud/arn.js';
import type { MetricDataQuery, MetricDataResult } from '../cloud/ports.js';
import { HEALTH_LIMITS } from './limits.js';
import type { ColourTarget } from './measurement.js';

/**
 * A value read from CloudWatch, or why there is none. `periods`: each period's own value over the
 * whole lookback (a bad streak is dated from them); `valueFrom`: start of the period the value
 * itself came from (the newest published one).
 */
export type Reading = { value: number; periods?: PeriodValue[]; valueFrom?: number; capturedAt?: number } | { nodata: string };

/** One period's own value (timestamp = the period's start), oldest first. */
export interface PeriodValue {
  at: number;
  value: number;
}

export interface ColourQueries {
  queries: MetricDataQuery[];
  read(results: ReadonlyMap<string, MetricDataResult>): Reading;
}

const ALB = 'AWS/ApplicationELB';

/** Whole minutes, at least one: standard-resolution ALB metrics have no finer period. */
export function periodSeconds(windowMs: number): number {
  const step = HEALTH_LIMITS.metricPeriodSeconds;
  return Math.max(step, Math.ceil(windowMs / 1000 / step) * step);
}

/** CloudWatch dimension values of a colour (`targetgroup/…`, `app/…`), as far as they are known. */
export function colourDimensions(colour: ColourTarget): { targetGroup?: string; loadBalancer?: string } {
  return {
    targetGroup: colour.targetGroupArn ? targetGroupArnSuffix(colour.targetGroupArn) : undefined,
    loadBalancer: colour.loadBalancerArn ? loadBalancerArnSuffix(colour.loadBalancerArn) : undefined,
  };
}

/**
 * How far back a condition's GetMetricData reaches: CloudWatch publishes a period's datapoint
 * some time after the period ends, so the newest published period of the window's length can
 * lie up to one period, plus that delay, plus one period for alignment, before now.
 */
export function lookbackMs(windowMs: number, publicationDelayMs: number): number {
  return 2 * periodSeconds(windowMs) * 1000 + publicationDelayMs;
}

/**
 * The queries for one colour; a string says why the colour cannot be measured. The answer is
 * read on the newest period published (one period is the window, rounded up to whole minutes),
 * and never on periods that began before `dataSince`.
 */
export function colourQueries(
  check: MetricCheck,
  colour: ColourTarget,
  prefix: string,
  windowMs: number,
  colourName: string,
): ColourQueries | string {
  const built = queriesOf(check, colour, prefix, windowMs, colourName);
  if (typeof built === 'string') return built;
  const since = colour.dataSince;
  const ids = new Set(built.queries.map((q) => q.id));
  return {
    queries: built.queries,
    read: (results) => {
      // Periods that began before the colour took this revision belong to another one: CloudWatch
      // widens the range to whole minutes, and the lookback reaches further still.
      const own = new Map([...results].filter(([id]) => ids.has(id)).map(([id, r]) => [id, since === undefined ? r : from(r, since)]));
      const { newest, results: latest } = newestPeriod(own);
      const reading = built.read(latest);
      if (!('value' in reading)) return reading;
      // The value is the newest period's; the streak is dated from every period in reach.
      const all = built.read(own);
      return { ...reading, valueFrom: newest, ...('value' in all && all.periods ? { periods: all.periods } : {}) };
    },
  };
}

function from(result: MetricDataResult, since: number): MetricDataResult {
  return keepTimestamps(result, (t) => t >= since);
}

/** Only the newest period any of the colour's results has: the latest window published. */
function newestPeriod(results: ReadonlyMap<string, MetricDataResult>): { newest: number; results: Map<string, MetricDataResult> } {
  let newest = -Infinity;
  for (const r of results.values()) for (const t of r.timestamps) newest = Math.max(newest, t);
  return { newest, results: new Map([...results].map(([id, r]) => [id, keepTimestamps(r, (t) => t === newest)])) };
}

function keepTimestamps(result: MetricDataResult, keep: (t: number) => boolean): MetricDataResult {
  const kept = result.timestamps.map(keep);
  return { ...result, timestamps: result.timestamps.filter((_t, i) => kept[i]), values: result.values.filter((_v, i) => kept[i]) };
}

function queriesOf(
  check: MetricCheck,
  colour: ColourTarget,
  prefix: string,
  windowMs: number,
  colourName: string,
): ColourQueries | string {
  const dims = colourDimensions(colour);
  const period = periodSeconds(windowMs);
  const windowText = formatDuration(windowMs);
  if (check.builtin) {
    if (!dims.targetGroup) return `the ${colourName} colour has no target group`;
    const dimensions: Record<string, string> = { TargetGroup: dims.targetGroup };
    if (dims.loadBalancer) dimensions['LoadBalancer'] = dims.loadBalancer;
    return builtinQueries(check.builtin, prefix, dimensions, period, windowText);
  }
  if (check.cloudwatch) return rawQueries(check.cloudwatch.queries, prefix, dims, period, colourName);
  return 'the metric has neither builtin nor cloudwatch queries';
}

function albStat(id: string, metricName: string, stat: string, dimensions: Record<string, string>, period: number, returnData: boolean): MetricDataQuery {
  return { id, metricStat: { namespace: ALB, metricName, dimensions, stat, period }, returnData };
}

function builtinQueries(
  builtin: BuiltinMetric,
  p: string,
  dimensions: Record<string, string>,
  period: number,
  windowText: string,
): ColourQueries {
  const requests = albStat(`${p}m2`, 'RequestCount', 'Sum', dimensions, period, true);
  if (builtin === 'errorRate') {
    const queries = [
      albStat(`${p}m1`, 'HTTPCode_Target_5XX_Count', 'Sum', dimensions, period, false),
      requests,
      { id: `${p}e1`, expression: `100*${p}m1/${p}m2`, returnData: true },
    ];
    // The ALB publishes no 5XX datapoint for a minute without 5xx, so the expression has no
    // point there either: a period with requests but no rate point is a period of 0% errors.
    return { queries, read: (results) => requestWeighted(results, `${p}e1`, `${p}m2`, windowText, 0) };
  }
  const stat = builtin === 'latencyP95' ? 'p95' : 'p99';
  const queries = [albStat(`${p}m1`, 'TargetResponseTime', stat, dimensions, period, true), requests];
  return {
    queries,
    read: (results) => {
      const seconds = requestWeighted(results, `${p}m1`, `${p}m2`, windowText, undefined);
      if (!('value' in seconds)) return seconds;
      return { value: seconds.value * 1000, periods: (seconds.periods ?? []).map((x) => ({ at: x.at, value: x.value * 1000 })) };
    },
  };
}

/**
 * The value over the window: each period's value weighted by its request count, so a short
 * partial minute at the edge of the window counts for what it served. Too few requests is
 * no data.
 */
function requestWeighted(
  results: ReadonlyMap<string, MetricDataResult>,
  valueId: string,
  requestsId: string,
  windowText: string,
  missingValue: number | undefined,
): Reading {
  const requests = byTimestamp(results.get(requestsId));
  const values = byTimestamp(results.get(valueId));
  let total = 0;
  let weighted = 0;
  let weight = 0;
  const periods: PeriodValue[] = [];
  for (const [at, count] of requests) {
    total += count;
    const value = values.get(at) ?? missingValue;
    if (value === undefined || count <= 0) continue;
    weighted += value * count;
    weight += count;
    periods.push({ at, value });
  }
  if (total === 0) return { nodata: `no requests in the last ${windowText}` };
  if (total < HEALTH_LIMITS.minRequests) {
    return { nodata: `only ${total} requests in the last ${windowText} (need ${HEALTH_LIMITS.minRequests})` };
  }
  if (weight === 0) return { nodata: `no datapoints in the last ${windowText}` };
  return { value: weighted / weight, periods: periods.sort((a, b) => a.at - b.at) };
}

function byTimestamp(result: MetricDataResult | undefined): Map<number, number> {
  const map = new Map<number, number>();
  result?.timestamps.forEach((at, i) => {
    const value = result.values[i];
    if (value !== undefined && Number.isFinite(value)) map.set(at, value);
  });
  return map;
}

function rawQueries(
  source: readonly MetricQuery[],
  p: string,
  dims: { targetGroup?: string; loadBalancer?: string },
  period: number,
  colourName: string,
): ColourQueries | string {
  const ids = new Set(source.map((q) => q.id));
  const valueQuery = source.find((q) => q.returnData === true) ?? source.at(-1);
  if (!valueQuery) return 'the cloudwatch form has no queries';
  const queries: MetricDataQuery[] = [];
  for (const q of source) {
    const query: MetricDataQuery = { id: `${p}${q.id}`, returnData: q === valueQuery };
    if (q.expression !== undefined) query.expression = prefixIds(q.expression, ids, p);
    if (q.metricStat) {
      const dimensions: Record<string, string> = {};
      for (const [name, value] of Object.entries(q.metricStat.dimensions ?? {})) {
        const resolved = resolvePlaceholders(value, dims);
        if (typeof resolved !== 'string') return `the ${colourName} colour has no ${resolved.missing}`;
        dimensions[name] = resolved;
      }
      const { namespace, metricName, stat } = q.metricStat;
      query.metricStat = { namespace, metricName, dimensions, stat, period };
    }
    queries.push(query);
  }
  const valueId = `${p}${valueQuery.id}`;
  return { queries, read: (results) => mean(results.get(valueId)) };
}

/** The raw form's value: the mean of the value query's datapoints in the window. */
function mean(result: MetricDataResult | undefined): Reading {
  const periods = [...byTimestamp(result)].map(([at, value]) => ({ at, value })).sort((a, b) => a.at - b.at);
  if (periods.length === 0) return { nodata: 'no datapoints in the window' };
  return { value: periods.reduce((a, b) => a + b.value, 0) / periods.length, periods };
}

const PLACEHOLDERS = { targetGroup: 'target group', loadBalancer: 'load balancer' } as const;

/** `${targetGroup}` / `${loadBalancer}` → the colour's dimension values. */
export function resolvePlaceholders(
  value: string,
  dims: { targetGroup?: string; loadBalancer?: string },
): string | { missing: string } {
  let missing: string | undefined;
  const resolved = value.replace(/\$\{(targetGroup|loadBalancer)\}/g, (_all, name: keyof typeof PLACEHOLDERS) => {
    const found = dims[name];
    if (found === undefined) missing = PLACEHOLDERS[name];
    return found ?? '';
  });
  return missing === undefined ? resolved : { missing };
}

/** Prefixes the query ids an expression refers to, leaving quoted strings (SEARCH terms) alone. */
export function prefixIds(expression: string, ids: ReadonlySet<string>, prefix: string): string {
  return expression
    .split(/('[^']*'|"[^"]*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\b[a-z][A-Za-z0-9_]*\b/g, (id) => (ids.has(id) ? `${prefix}${id}` : id))))
    .join('');
}
