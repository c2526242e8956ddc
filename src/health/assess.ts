// The pure half of health: a new measurement + the previous ConditionHealth → the new one,
// with failFor applied. No I/O, no clock: `now` is passed in.
//
// The rules, per check outcome:
// - pass:   Passing; the bad streak is cleared.
// - fail:   the streak starts (badSince) unless one is running. It starts at the first bad
//           datapoint the check saw (a metric's first bad period, an alarm's change to ALARM),
//           never later than the check itself, so failFor counts from when things went bad,
//           not from when keelson first looked. Failing once now − badSince ≥ failFor; until
//           then Breaching: visibly bad, never Passing, and a step does not advance on it.
// - nodata: Unknown (too little data is never Passing). The streak is kept, not broken: a
//           gap in the data does not forgive a failing check. But nodata alone never turns
//           the state to Failing; only a failed check does.
// `since` moves only when the state changes.
import { parseDuration, formatDuration } from '../api/duration.js';
import type { ConditionHealth, HealthConditionBase, HealthState } from '../api/types.js';
import type { Measurement } from './measurement.js';

export interface AssessOptions {
  now: number;
  /** The health interval; failFor defaults to one interval. */
  intervalMs: number;
}

/** How long a condition must fail continuously before it counts. */
export function failForMs(condition: Pick<HealthConditionBase, 'failFor'>, intervalMs: number): number {
  return condition.failFor === undefined ? intervalMs : parseDuration(condition.failFor);
}

export function assess(
  condition: Pick<HealthConditionBase, 'name' | 'failFor'>,
  previous: ConditionHealth | undefined,
  measurement: Measurement,
  options: AssessOptions,
): ConditionHealth {
  const { now } = options;
  const previousBadSince = previous?.badSince ? Date.parse(previous.badSince) : undefined;
  let state: HealthState;
  let badSince: number | undefined;
  switch (measurement.outcome) {
    case 'pass':
      state = 'Passing';
      badSince = undefined;
      break;
    case 'nodata':
      state = 'Unknown';
      badSince = previousBadSince;
      break;
    case 'fail':
      badSince = previousBadSince ?? Math.min(measurement.badSince ?? now, now);
      state = now - badSince >= failForMs(condition, options.intervalMs) ? 'Failing' : 'Breaching';
      break;
  }
  return {
    name: condition.name,
    state,
    value: measurement.value ?? null,
    threshold: measurement.threshold,
    message: measurement.message,
    since: previous && previous.state === state ? previous.since : new Date(now).toISOString(),
    badSince: badSince === undefined ? null : new Date(badSince).toISOString(),
    checkedAt: new Date(measurement.at).toISOString(),
    ...(measurement.dataFrom !== undefined ? { dataFrom: new Date(measurement.dataFrom).toISOString() } : {}),
    ...baselineOf(measurement, previous),
  };
}

/** The baseline figure used this check, else the one kept from before. */
function baselineOf(measurement: Measurement, previous: ConditionHealth | undefined): Pick<ConditionHealth, 'baseline'> {
  if (measurement.baseline) return { baseline: { value: measurement.baseline.value, at: new Date(measurement.baseline.at).toISOString() } };
  return previous?.baseline ? { baseline: previous.baseline } : {};
}

/** When a running bad streak reaches failFor and the condition turns Failing (undefined: no streak). */
export function failsAt(
  condition: Pick<HealthConditionBase, 'failFor'>,
  health: Pick<ConditionHealth, 'badSince'> | undefined,
  intervalMs: number,
): number | undefined {
  if (!health?.badSince) return undefined;
  return Date.parse(health.badSince) + failForMs(condition, intervalMs);
}

/** How long the current streak of bad checks has lasted (0 when there is none). */
export function failingFor(health: Pick<ConditionHealth, 'badSince'>, now: number): number {
  if (!health.badSince) return 0;
  return Math.max(0, now - Date.parse(health.badSince));
}

/** One line for a status message: `errors: 7.3% > 5% for 1m`, `ready: no data (…)`. */
export function summarizeHealth(health: ConditionHealth, now: number): string {
  const text = `${health.name}: ${health.message ?? health.state}`;
  const streak = failingFor(health, now);
  if (health.state === 'Unknown') return streak > 0 ? `${text} (in a bad streak for ${formatDuration(streak)})` : text;
  return streak > 0 ? `${text} for ${formatDuration(streak)}` : text;
}

const SEVERITY: Record<HealthState, number> = { Failing: 0, Breaching: 1, Unknown: 2, Passing: 3 };

/**
 * The conditions worth a person's attention, worst first: every Failing one, then those in a
 * bad streak or without data; `all N passing` when there are none.
 */
export function summarizeHealthList(healths: readonly ConditionHealth[], now: number): string {
  const notable = healths
    .filter((h) => h.state !== 'Passing' || failingFor(h, now) > 0)
    .sort((a, b) => SEVERITY[a.state] - SEVERITY[b.state]);
  if (notable.length === 0) return `all ${healths.length} passing`;
  return notable.map((h) => summarizeHealth(h, now)).join('; ');
}
