// The metric condition: built-in ALB metrics or raw CloudWatch queries for the new colour,
// judged against absolute thresholds or against the stable colour over the same window.
// CloudWatch shows a period's datapoint some time after the period ends, so each query reaches
// back the window plus the condition's publicationDelay (and a period for alignment) and the
// newest published period is judged. One GetMetricData per pass for every metric condition
// sharing that reach (all of them, with the defaults); others get one call per reach.
import { DEFAULTS } from '../api/defaults.js';
import { parseDuration } from '../api/duration.js';
import type { MetricCheck } from '../api/types.js';
import type { MetricDataQuery, MetricDataResult, MetricsPort } from '../cloud/ports.js';
import { errorText, noData, type BaselineFigure, type IndexedCheck, type MeasureTarget, type Measurement, type MeasurementBase } from './measurement.js';
import { colourQueries, lookbackMs, type ColourQueries, type Reading } from './metric-queries.js';
import { hasRelativeThreshold, judgeMetric, metricThreshold } from './metric-thresholds.js';

interface MetricPlan {
  base: MeasurementBase;
  check: MetricCheck;
  /** How far back the query reaches: the window, the publication delay and a period. */
  lookbackMs: number;
  /** A string: why this colour cannot be queried. */
  canary: ColourQueries | string;
  baseline?: ColourQueries | string;
}

export async function measureMetrics(
  conditions: readonly IndexedCheck<MetricCheck>[],
  target: MeasureTarget,
  metrics: MetricsPort,
  now: number,
): Promise<Measurement[]> {
  const plans = conditions.map((c) => planMetric(c, target, now));
  const byLookback = new Map<number, MetricPlan[]>();
  for (const plan of plans) byLookback.set(plan.lookbackMs, [...(byLookback.get(plan.lookbackMs) ?? []), plan]);
  const judged = new Map<MetricPlan, Measurement>();
  await Promise.all(
    [...byLookback].map(async ([reach, group]) => {
      const queries = group.flatMap((plan) => [plan.canary, plan.baseline].flatMap((q) => (typeof q === 'object' ? q.queries : [])));
      let results = new Map<string, MetricDataResult>();
      try {
        if (queries.length > 0) results = await fetchResults(metrics, queries, { start: now - reach, end: now });
      } catch (err) {
        for (const plan of group) judged.set(plan, noData(plan.base, `could not get metric data: ${errorText(err)}`));
        return;
      }
      for (const plan of group) {
        const live = plan.baseline === undefined ? undefined : read(plan.baseline, results);
        const baseline = chooseBaseline(plan.base.name, live, target, now);
        const canary = read(plan.canary, results);
        const measured = { ...judgeMetric(plan.base, plan.check, canary, baseline?.reading), ...dataFrom(canary) };
        judged.set(plan, baseline?.figure ? { ...measured, baseline: baseline.figure } : measured);
      }
    }),
  );
  return plans.map((plan) => judged.get(plan) as Measurement);
}

/**
 * The live baseline while the stable colour serves traffic; the one captured before the last
 * shift once it does not (or when the live one has no data), so a relative check stays
 * meaningful through 100% and the bake.
 */
function chooseBaseline(
  name: string,
  live: Reading | undefined,
  target: MeasureTarget,
  now: number,
): { reading: Reading; figure?: BaselineFigure } | undefined {
  if (live === undefined) return undefined;
  const captured = target.capturedBaselines?.get(name);
  const liveUsable = 'value' in live && !target.baselineIdle;
  if (liveUsable) return { reading: live, figure: { value: live.value, at: now } };
  if (captured) return { reading: { value: captured.value, capturedAt: captured.at }, figure: captured };
  return { reading: target.baselineIdle ? { nodata: 'the stable colour takes no traffic and no baseline was captured before' } : live };
}

/** The start of the period the value came from: a step is judged only on data inside it. */
function dataFrom(reading: Reading): { dataFrom?: number } {
  return 'value' in reading && reading.valueFrom !== undefined ? { dataFrom: reading.valueFrom } : {};
}

function planMetric({ index, name, check }: IndexedCheck<MetricCheck>, target: MeasureTarget, now: number): MetricPlan {
  const windowMs = parseDuration(check.window ?? DEFAULTS.metricWindow);
  const lookback = lookbackMs(windowMs, parseDuration(check.publicationDelay ?? DEFAULTS.metricPublicationDelay));
  const base = { name, threshold: metricThreshold(check), at: now };
  const canary = safely(() => colourQueries(check, target.canary, `c${index}_`, windowMs, 'new'));
  if (!hasRelativeThreshold(check)) return { base, check, lookbackMs: lookback, canary };
  const stable = target.baseline;
  const baseline = stable
    ? safely(() => colourQueries(check, stable, `b${index}_`, windowMs, 'stable'))
    : 'no stable colour to compare with';
  return { base, check, lookbackMs: lookback, canary, baseline };
}

function safely(build: () => ColourQueries | string): ColourQueries | string {
  try {
    return build();
  } catch (err) {
    return errorText(err);
  }
}

function read(queries: ColourQueries | string, results: ReadonlyMap<string, MetricDataResult>): Reading {
  return typeof queries === 'string' ? { nodata: queries } : queries.read(results);
}

async function fetchResults(
  metrics: MetricsPort,
  queries: readonly MetricDataQuery[],
  range: { start: number; end: number },
): Promise<Map<string, MetricDataResult>> {
  const results = await metrics.getMetricData(queries, range);
  return new Map(results.map((r) => [r.id, r]));
}
