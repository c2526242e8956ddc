// The metric condition: built-in ALB metrics or raw CloudWatch queries for the new colour,
// judged against absolute thresholds or against the stable colour over the same window.
// One GetMetricData per pass for every metric condition sharing a window (all of them, with
// the default window); conditions with other windows get one call per window.
import { DEFAULTS } from '../api/defaults.js';
import { parseDuration } from '../api/duration.js';
import type { MetricCheck } from '../api/types.js';
import type { MetricDataQuery, MetricDataResult, MetricsPort } from '../cloud/ports.js';
import { errorText, noData, type BaselineFigure, type IndexedCheck, type MeasureTarget, type Measurement, type MeasurementBase } from './measurement.js';
import { colourQueries, type ColourQueries, type Reading } from './metric-queries.js';
import { hasRelativeThreshold, judgeMetric, metricThreshold } from './metric-thresholds.js';

interface MetricPlan {
  base: MeasurementBase;
  check: MetricCheck;
  windowMs: number;
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
  const byWindow = new Map<number, MetricPlan[]>();
  for (const plan of plans) byWindow.set(plan.windowMs, [...(byWindow.get(plan.windowMs) ?? []), plan]);
  const judged = new Map<MetricPlan, Measurement>();
  await Promise.all(
    [...byWindow].map(async ([windowMs, group]) => {
      const queries = group.flatMap((plan) => [plan.canary, plan.baseline].flatMap((q) => (typeof q === 'object' ? q.queries : [])));
      let results = new Map<string, MetricDataResult>();
      try {
        if (queries.length > 0) results = await fetchResults(metrics, queries, { start: now - windowMs, end: now });
      } catch (err) {
        for (const plan of group) judged.set(plan, noData(plan.base, `could not get metric data: ${errorText(err)}`));
        return;
      }
      for (const plan of group) {
        const live = plan.baseline === undefined ? undefined : read(plan.baseline, results);
        const baseline = chooseBaseline(plan.base.name, live, target, now);
        const measured = judgeMetric(plan.base, plan.check, read(plan.canary, results), baseline?.reading);
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

function planMetric({ index, name, check }: IndexedCheck<MetricCheck>, target: MeasureTarget, now: number): MetricPlan {
  const windowMs = parseDuration(check.window ?? DEFAULTS.metricWindow);
  const base = { name, threshold: metricThreshold(check), at: now };
  const canary = safely(() => colourQueries(check, target.canary, `c${index}_`, windowMs, 'new'));
  if (!hasRelativeThreshold(check)) return { base, check, windowMs, canary };
  const stable = target.baseline;
  const baseline = stable
    ? safely(() => colourQueries(check, stable, `b${index}_`, windowMs, 'stable'))
    : 'no stable colour to compare with';
  return { base, check, windowMs, canary, baseline };
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
