// How long a revert or a promotion may take, from the Release's own settings. Each bound is
// what keelson promises (failFor, the health interval, the steps, the progress deadline) plus
// the lag of what it observes, named here so a change to the simulator's lags is one edit.
import { CLOUDWATCH_DEFAULTS } from '../../src/sim/cloudwatch.js';
import type { ReleasePlan, RevisionKind } from './plan.js';

const S = 1_000;
/** A task's start-up (profile startup 20s) and two passed health checks 10s apart. */
export const TASKS_UP_MS = 20 * S + 2 * 10 * S + 10 * S;
/**
 * CloudWatch: a minute's datapoint exists once the minute ends and is published the simulator's
 * publication delay later (the trials' worlds keep the default); the first wholly bad minute
 * ends up to a minute after the bad behaviour began.
 */
export const METRIC_PUBLICATION_MS = CLOUDWATCH_DEFAULTS.publicationDelayMs;
export const MINUTE_BOUNDARY_MS = 60 * S;
/** Route 53: a change is INSYNC after the propagation time (30s) and clients follow one TTL (30s) later. */
export const ROUTE53_LAG_MS = 60 * S;
/** The trial looks every step: a revert that happened inside a step is seen at its end. */
export const STEP_MS = 10 * S;
/** A controller restarted after a kill: its first pass, and the work queue's first backoff. */
export const RESTART_MS = 60 * S;
/** ECS replaces a crashed task and the next one crashes too: one more start-up. */
export const CRASH_LOOP_MS = 30 * S;

/** Which condition sees each kind of bad revision, as it is configured in world.ts. */
export function revertBoundMs(plan: ReleasePlan, kind: RevisionKind): number {
  const h = plan.health;
  const interval = h.intervalS * S;
  const metric = (failForS: number): number => failForS * S + 60 * S /* window */ + MINUTE_BOUNDARY_MS + METRIC_PUBLICATION_MS + interval + STEP_MS;
  switch (kind) {
    case 'errors5xx':
    case 'badAt100':
    case 'badUnderLoad':
      return metric(h.errorsFailForS);
    case 'slow':
      return metric(h.latencyFailForS);
    case 'notReady':
      // Measured from the moment the bad revision answers every request (and so every probe).
      return h.readyFailForS * S + 2 * interval + STEP_MS;
    case 'crashOnStart':
      // From the deployment of the revision: its tasks start (20s), crash 5s later, and the
      // always-on ecs-tasks condition fails once as many tasks crashed as the colour runs.
      return 25 * S + CRASH_LOOP_MS + 2 * interval + STEP_MS;
    case 'crashAfterWarmup':
      // From the first crash (2m after RUNNING): one crash per task, then ecs-tasks fails.
      return CRASH_LOOP_MS + 2 * interval + STEP_MS;
    case 'good':
      return Infinity;
  }
}

/**
 * A good revision, with nothing in its way, is promoted within: its tasks up, every timed step
 * and the bake, one health interval per step (each judged step needs a check inside it), the
 * Route 53 lag per weight change, and then its progress deadline as slack for any one wait.
 */
export function promoteBoundMs(plan: ReleasePlan): number {
  const interval = plan.health.intervalS * S;
  const route53 = plan.strategy.endsWith('route53');
  let total = TASKS_UP_MS + plan.bakeS * S + plan.progressDeadlineS * S + 2 * interval + STEP_MS;
  if (plan.strategy.startsWith('canary')) {
    for (const step of plan.steps) {
      total += interval;
      // A judged step ends only on a whole minute that began inside it, once published.
      if ('pauseS' in step) total += step.pauseS * S + MINUTE_BOUNDARY_MS + METRIC_PUBLICATION_MS;
      if ('analysisS' in step) total += step.analysisS * S + MINUTE_BOUNDARY_MS + METRIC_PUBLICATION_MS;
      if ('setWeight' in step && route53) total += ROUTE53_LAG_MS;
    }
  } else if (plan.strategy.startsWith('blueGreen')) {
    total += (plan.prePromotionS ?? 0) * S + interval + (route53 ? ROUTE53_LAG_MS : 0);
  }
  // Metrics judge only whole published minutes inside a step.
  return total + MINUTE_BOUNDARY_MS + METRIC_PUBLICATION_MS;
}

/** Virtual time windows [from, to) in which something outside keelson holds it back. */
export type Window = readonly [number, number];

/**
 * The deadline `start + bound`, moved later by every moment inside it that a blocking window
 * covers (the union, so overlapping windows count once), until it no longer moves.
 */
export function extendedDeadline(start: number, bound: number, windows: readonly Window[]): number {
  let deadline = start + bound;
  for (let i = 0; i < 20; i++) {
    const covered = coveredMs(windows, start, deadline);
    const next = start + bound + covered;
    if (next === deadline) break;
    deadline = next;
  }
  return deadline;
}

function coveredMs(windows: readonly Window[], from: number, to: number): number {
  const clipped = windows.map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}
