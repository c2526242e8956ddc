// Judging a metric value against its thresholds: absolute (max, min) and relative to the
// stable colour (maxIncrease in the metric's own unit, maxIncreasePercent). Pure. Thresholds are
// written with their unit (`400ms`, `5%`) and compared as numbers in ms or percent.
import { metricKind, metricThresholds, type MetricThresholds } from '../api/quantity.js';
import type { MetricCheck } from '../api/types.js';
import { failed, formatNumber, noData, passed, type Measurement, type MeasurementBase } from './measurement.js';
import type { PeriodValue, Reading } from './metric-queries.js';

export type MetricUnit = '%' | 'ms' | '';

export function metricUnit(check: MetricCheck): MetricUnit {
  const kind = metricKind(check);
  return kind === 'percent' ? '%' : kind === 'latency' ? 'ms' : '';
}

export function hasRelativeThreshold(check: MetricCheck): boolean {
  return check.maxIncrease !== undefined || check.maxIncreasePercent !== undefined;
}

const show = (value: number, unit: MetricUnit): string => `${formatNumber(value)}${unit}`;

/** A difference: `+0.5 points` for a percentage, `+120ms` for a latency. */
function showDelta(delta: number, unit: MetricUnit): string {
  const sign = delta >= 0 ? '+' : '-';
  const size = formatNumber(Math.abs(delta));
  return unit === '%' ? `${sign}${size} points` : `${sign}${size}${unit}`;
}

export function metricThreshold(check: MetricCheck): string {
  const unit = metricUnit(check);
  const t = metricThresholds(check);
  const parts: string[] = [];
  if (t.max !== undefined) parts.push(`≤ ${show(t.max, unit)}`);
  if (t.min !== undefined) parts.push(`≥ ${show(t.min, unit)}`);
  if (t.maxIncrease !== undefined) parts.push(`≤ baseline ${showDelta(t.maxIncrease, unit)}`);
  if (t.maxIncreasePercent !== undefined) parts.push(`≤ baseline +${formatNumber(t.maxIncreasePercent)}%`);
  return parts.length > 0 ? parts.join(', ') : 'no threshold';
}

/** One threshold's verdict: true = failed, false = passed, undefined = could not be judged. */
interface Verdict {
  failed: boolean | undefined;
  text: string;
}

/**
 * canary: the new colour's reading; baseline: the stable colour's, given when the check has a
 * relative threshold. Failing when any threshold fails; otherwise no data when any could not
 * be judged (a baseline without data, a metric without thresholds); otherwise passing.
 */
export function judgeMetric(base: MeasurementBase, check: MetricCheck, canary: Reading, baseline?: Reading): Measurement {
  if ('nodata' in canary) return noData(base, canary.nodata);
  const unit = metricUnit(check);
  const t = metricThresholds(check);
  const value = canary.value;
  const verdicts: Verdict[] = [];
  if (t.max !== undefined) {
    const bad = value > t.max;
    verdicts.push({ failed: bad, text: `${show(value, unit)} ${bad ? '>' : '≤'} ${show(t.max, unit)}` });
  }
  if (t.min !== undefined) {
    const bad = value < t.min;
    verdicts.push({ failed: bad, text: `${show(value, unit)} ${bad ? '<' : '≥'} ${show(t.min, unit)}` });
  }
  if (hasRelativeThreshold(check)) verdicts.push(...relativeVerdicts(t, value, unit, baseline));
  if (verdicts.length === 0) return noData(base, 'the metric has no threshold');
  const value3 = Math.round(value * 1000) / 1000;
  const failing = verdicts.filter((v) => v.failed === true);
  if (failing.length > 0) {
    const since = firstBadPeriod(t, canary.periods, baseline && 'value' in baseline ? baseline.value : undefined);
    return { ...failed(base, value3, failing.map((v) => v.text).join('; ')), ...(since !== undefined ? { badSince: since } : {}) };
  }
  const message = verdicts.map((v) => v.text).join('; ');
  return verdicts.some((v) => v.failed === undefined) ? { ...noData(base, message), value: value3 } : passed(base, value3, message);
}

function relativeVerdicts(check: MetricThresholds, value: number, unit: MetricUnit, baseline: Reading | undefined): Verdict[] {
  if (baseline === undefined) return [{ failed: undefined, text: 'baseline: not measured' }];
  if ('nodata' in baseline) return [{ failed: undefined, text: `baseline: ${baseline.nodata}` }];
  const verdicts: Verdict[] = [];
  const delta = value - baseline.value;
  const which = baseline.capturedAt === undefined ? 'baseline' : 'baseline captured before the last shift';
  const against = `${show(value, unit)} is ${showDelta(delta, unit)} vs ${which} ${show(baseline.value, unit)}`;
  if (check.maxIncrease !== undefined) {
    const bad = delta > check.maxIncrease;
    verdicts.push({ failed: bad, text: `${against} (max ${showDelta(check.maxIncrease, unit)})` });
  }
  if (check.maxIncreasePercent !== undefined) {
    const limit = `max +${formatNumber(check.maxIncreasePercent)}%`;
    if (baseline.value === 0) {
      // No relative change from zero: any value above a zero baseline is an unbounded increase.
      verdicts.push({ failed: value > 0, text: `${show(value, unit)} against a baseline of ${show(0, unit)} (${limit})` });
    } else {
      const percent = (delta / baseline.value) * 100;
      const bad = percent > check.maxIncreasePercent;
      const sign = percent >= 0 ? '+' : '-';
      verdicts.push({
        failed: bad,
        text: `${show(value, unit)} is ${sign}${formatNumber(Math.abs(percent))}% vs ${which} ${show(baseline.value, unit)} (${limit})`,
      });
    }
  }
  return verdicts;
}

/**
 * The start of the trailing run of periods that each breach a threshold on their own: when the
 * metric went bad, as far as its datapoints tell. Undefined when the newest period is fine.
 */
export function firstBadPeriod(check: MetricThresholds, periods: readonly PeriodValue[] | undefined, baseline: number | undefined): number | undefined {
  let since: number | undefined;
  for (const period of [...(periods ?? [])].sort((a, b) => b.at - a.at)) {
    if (!breaches(check, period.value, baseline)) break;
    since = period.at;
  }
  return since;
}

function breaches(check: MetricThresholds, value: number, baseline: number | undefined): boolean {
  if (check.max !== undefined && value > check.max) return true;
  if (check.min !== undefined && value < check.min) return true;
  if (baseline === undefined) return false;
  if (check.maxIncrease !== undefined && value - baseline > check.maxIncrease) return true;
  if (check.maxIncreasePercent === undefined) return false;
  return baseline === 0 ? value > 0 : ((value - baseline) / baseline) * 100 > check.maxIncreasePercent;
}
