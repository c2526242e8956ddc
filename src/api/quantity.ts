// Metric thresholds carry their unit: a latency is `400ms` or `1.5s`, an error rate is a percent
// (`5%`, or a bare 5). A bare latency number is refused because it cannot say whether it means
// seconds (CloudWatch's unit) or milliseconds (what status shows). Raw CloudWatch metrics are
// bare numbers in the metric's own unit.
import type { MetricCheck } from './types.js';

/** The schema's patterns (schemas/release.schema.json `$defs/latencyThreshold`, `percentThreshold`). */
export const LATENCY_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s)$';
export const PERCENT_PATTERN = '^[0-9]+(\\.[0-9]+)?%$';

/** The fields that hold a value in the metric's unit; maxIncreasePercent is always a bare percent. */
export const UNIT_FIELDS = ['max', 'min', 'maxIncrease'] as const;
export type UnitField = (typeof UNIT_FIELDS)[number];

export type MetricKind = 'latency' | 'percent' | 'raw';

export function metricKind(check: Pick<MetricCheck, 'builtin'>): MetricKind {
  if (check.builtin === 'latencyP95' || check.builtin === 'latencyP99') return 'latency';
  if (check.builtin === 'errorRate') return 'percent';
  return 'raw';
}

/** Milliseconds in `400ms` / `1.5s`; undefined when the text is not a latency. */
export function parseLatency(text: string): number | undefined {
  const match = new RegExp(LATENCY_PATTERN).exec(text);
  if (!match) return undefined;
  const amount = Number(text.slice(0, text.length - (match[2] as string).length));
  return match[2] === 's' ? Math.round(amount * 1_000_000) / 1_000 : amount;
}

/** A percent from `5%` or a bare 5; undefined when it is neither. */
export function parsePercent(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  return new RegExp(PERCENT_PATTERN).test(value) ? Number(value.slice(0, -1)) : undefined;
}

/** A threshold in the unit keelson compares in: ms for latency, percent for errorRate, raw as written. */
export function thresholdValue(kind: MetricKind, value: number | string): number | undefined {
  if (kind === 'latency') return typeof value === 'string' ? parseLatency(value) : undefined;
  if (kind === 'percent') return parsePercent(value);
  return typeof value === 'number' ? value : undefined;
}

export interface MetricThresholds {
  max?: number;
  min?: number;
  maxIncrease?: number;
  maxIncreasePercent?: number;
}

/**
 * Every threshold of a metric check as a number in the compared unit. The check has passed
 * validation, so a value that does not parse cannot occur; it is left out rather than guessed.
 */
export function metricThresholds(check: MetricCheck): MetricThresholds {
  const kind = metricKind(check);
  const out: MetricThresholds = {};
  for (const field of UNIT_FIELDS) {
    const raw = check[field];
    const value = raw === undefined ? undefined : thresholdValue(kind, raw);
    if (value !== undefined) out[field] = value;
  }
  if (check.maxIncreasePercent !== undefined) out.maxIncreasePercent = check.maxIncreasePercent;
  return out;
}

/**
 * The fix for a latency threshold written as a bare number: `write max: 400ms`. Small numbers
 * are read as seconds, the unit CloudWatch and earlier versions of these docs used.
 */
export function latencyFix(field: string, value: number): string {
  const ms = value < 10 ? Math.round(value * 1_000_000) / 1_000 : value;
  return `${value} has no unit; a latency threshold is written in ms or s: write ${field}: ${ms}ms`;
}
