// How late a metric condition can see bad data in the simulated world: CloudWatch shows a
// minute's datapoint only after the minute ends and the publication delay passes, so a revert
// on a metric comes at most one health interval after max(failFor, one period + that delay),
// counted from the first bad period. The delay is the simulator's default (the demo world sets
// none): docs/sim-world.md, CloudWatch.
import { CLOUDWATCH_DEFAULTS } from '../../../src/sim/cloudwatch.js';

export const PERIOD_MS = 60_000;
export const PUBLICATION_DELAY_MS = CLOUDWATCH_DEFAULTS.publicationDelayMs;

/** Latest a metric revert may come after the first bad period began, for a failFor and a health interval. */
export function metricRevertBound(failForMs: number, intervalMs: number): number {
  return Math.max(failForMs, PERIOD_MS + PUBLICATION_DELAY_MS) + intervalMs;
}
