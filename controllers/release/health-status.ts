// Health as the plan sees it: which conditions fail, and the evidence a revert records.
import { DEFAULTS } from '../../src/api/defaults.js';
import { formatDuration } from '../../src/api/duration.js';
import { stoppedTaskEvidence } from '../../src/health/ecs-signals.js';
import { ECS_TASKS_CONDITION, failsAt, summarizeHealth } from '../../src/health/index.js';
import { HEALTH_LIMITS } from '../../src/health/limits.js';
import { periodSeconds } from '../../src/health/metric-queries.js';
import type { ConditionHealth, HealthCondition, RevertEvidence } from '../../src/api/types.js';
import { sameRevision } from '../../src/cloud/task-definition-ref.js';
import type { RolloutEvent } from '../../src/notify/events.js';
import type { Draft } from './draft.js';
import { conditionWindowMs, failForMs, healthIntervalMs } from './spec.js';
import { iso, ms } from './status.js';

/** Keeps the assessed health in status; values from earlier passes stay for conditions not measured now. */
export function recordHealth(draft: Draft): void {
  if (draft.input.health.length === 0) return;
  const fresh = new Map(draft.input.health.map((h) => [h.name, h]));
  const kept = (draft.status.health ?? []).filter((h) => !fresh.has(h.name));
  draft.status.health = [...draft.input.health, ...kept.filter((h) => isConfigured(draft, h.name))];
}

function isConfigured(draft: Draft, name: string): boolean {
  return (draft.spec.health?.conditions ?? []).some((c) => c.name === name);
}

/** The conditions failing for at least their failFor, measured this pass. */
export function failingConditions(draft: Draft): ConditionHealth[] {
  return draft.input.health.filter((h) => h.state === 'Failing');
}

/** `errors: 7.3% > 5% for 1m15s`: what failed, with the value, the threshold and how long. */
export function describeFailure(h: ConditionHealth, now: number): string {
  return summarizeHealth(h, now);
}

/**
 * Evidence for a revert: the condition, its value and threshold, the metric's window and the
 * failFor it kept failing for, the stopped tasks with their containers' reasons.
 */
export function revertEvidence(draft: Draft, revision: string, failed: ConditionHealth): RevertEvidence {
  const condition = draft.spec.health?.conditions?.find((c) => c.name === failed.name);
  const stopped = draft.observed.stoppedTasks
    .filter((t) => sameRevision(t.taskDefinition, revision))
    .slice(0, HEALTH_LIMITS.stoppedTasksInEvidence)
    .map(stoppedTaskEvidence);
  const metric = condition && 'metric' in condition ? condition.metric : undefined;
  return {
    revision,
    condition: failed.name,
    value: failed.value ?? null,
    ...(failed.threshold ? { threshold: failed.threshold } : {}),
    ...(metric ? { window: metric.window ?? DEFAULTS.metricWindow } : {}),
    failFor: formatDuration(condition ? failForMs(draft.spec, condition) : 0),
    ...(failed.badSince ? { failingSince: failed.badSince } : {}),
    revertedAt: iso(draft.now),
    ...(stopped.length > 0 ? { stoppedTasks: stopped } : {}),
  };
}

/**
 * A condition in a bad streak turns Failing the moment its failFor is over: be there, so a
 * revert never waits for the next regular check.
 */
export function wakeWhenStreaksCount(draft: Draft): void {
  if (!draft.status.rollout) return;
  const intervalMs = healthIntervalMs(draft.spec);
  for (const h of draft.input.health) {
    if (h.state === 'Failing') continue;
    const condition = draft.spec.health?.conditions?.find((c) => c.name === h.name);
    const at = condition ? failsAt(condition, h, intervalMs) : undefined;
    if (at !== undefined && at > draft.now) draft.requeue(at - draft.now);
  }
}

/** Conditions in a bad streak that has not yet lasted failFor: no traffic moves while they are. */
export function breaching(draft: Draft): StepJudgement {
  const names = (draft.status.health ?? []).filter((h) => h.state !== 'Failing' && h.badSince).map((h) => h.name);
  if (names.length === 0) return { pass: true, judged: [] };
  return { pass: false, noData: [], notPassing: names.map((n) => `${n} Breaching`), message: names.map((n) => `${n} Breaching`).join('; ') };
}

/** What a step's judgement found: pass, or the conditions that hold it and why. */
export type StepJudgement =
  | { pass: true; judged: string[] }
  | { pass: false; noData: string[]; notPassing: string[]; message: string; coveredAt?: number };

/**
 * Judges a step (analysis, timed pause, the bake, a move to more traffic): every condition it
 * covers must be Passing, with no bad streak, on a check taken after `since` whose data lies
 * inside the step (a metric's window starts at or after `since`). Unknown never passes.
 * `names`: an analysis step's own list; otherwise every configured condition plus the always-on
 * ECS signal. Before the colour takes traffic, metric conditions are left to the steps that
 * follow unless named: a colour without requests has no error rate to judge.
 */
export function judgeStep(draft: Draft, names: readonly string[] | undefined, since: number, takesTraffic: boolean): StepJudgement {
  const conditions = draft.spec.health?.conditions ?? [];
  const judged = names
    ? [...names]
    : [...conditions.filter((c) => takesTraffic || !c.metric).map((c) => c.name), ECS_TASKS_CONDITION.name];
  const health = new Map((draft.status.health ?? []).map((h) => [h.name, h]));
  const noData: string[] = [];
  const notPassing: string[] = [];
  let coveredAt: number | undefined;
  for (const name of judged) {
    const h = health.get(name);
    const condition = conditions.find((c) => c.name === name);
    const windowMs = condition ? conditionWindowMs(condition) : 0;
    const checkedAt = ms(h?.checkedAt);
    if (!h || h.state === 'Unknown' || !(checkedAt > since)) noData.push(name);
    else if (h.state !== 'Passing' || h.badSince) notPassing.push(`${name} ${h.state === 'Passing' ? 'Breaching' : h.state}`);
    else if (dataStart(condition, checkedAt, windowMs) < since) noData.push(name);
    // The earliest moment a check could cover the step: its window must start inside it.
    if (condition) coveredAt = Math.max(coveredAt ?? 0, since + windowMs);
  }
  if (noData.length === 0 && notPassing.length === 0) return { pass: true, judged };
  const parts = [...(noData.length > 0 ? [`no data covering the step for ${noData.join(', ')}`] : []), ...notPassing];
  return { pass: false, noData, notPassing, message: parts.join('; '), ...(coveredAt !== undefined ? { coveredAt } : {}) };
}

/**
 * Where the data of a check taken at `checkedAt` starts. A metric is read in whole CloudWatch
 * periods, aligned to the period: the newest one complete at `checkedAt` may have begun up to a
 * period before `checkedAt - window` (a 1m window checked at 10:03:52 reads 10:02:00–10:03:00).
 */
function dataStart(condition: HealthCondition | undefined, checkedAt: number, windowMs: number): number {
  if (!condition?.metric) return checkedAt - windowMs;
  const periodMs = periodSeconds(windowMs) * 1000;
  return Math.floor(checkedAt / periodMs) * periodMs - periodMs;
}

/** Health as a rollout event carries it: each condition's state, value and threshold. */
export function eventHealth(health: readonly ConditionHealth[] | undefined): NonNullable<RolloutEvent['health']> {
  return (health ?? []).map((h) => ({ name: h.name, state: h.state, value: h.value ?? null, ...(h.threshold ? { threshold: h.threshold } : {}) }));
}
