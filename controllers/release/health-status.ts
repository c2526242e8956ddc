// Health as the plan sees it: which conditions fail, and the evidence a revert records.
import { DEFAULTS } from '../../src/api/defaults.js';
import { formatDuration } from '../../src/api/duration.js';
import { stoppedTaskEvidence } from '../../src/health/ecs-signals.js';
import { summarizeHealth } from '../../src/health/index.js';
import { HEALTH_LIMITS } from '../../src/health/limits.js';
import type { ConditionHealth, RevertEvidence } from '../../src/api/types.js';
import { sameRevision } from '../../src/cloud/task-definition-ref.js';
import type { RolloutEvent } from '../../src/notify/events.js';
import type { Draft } from './draft.js';
import { failForMs } from './spec.js';
import { iso } from './status.js';

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

/** Conditions to judge at the end of an analysis step: pass needs data, not just the absence of failure. */
export function analysisVerdict(
  draft: Draft,
  names: readonly string[] | undefined,
): { verdict: 'pass' | 'inconclusive'; message: string } {
  const health = draft.status.health ?? [];
  const judged = names ? health.filter((h) => names.includes(h.name)) : health;
  const unknown = judged.filter((h) => h.state !== 'Passing').map((h) => h.name);
  const passing = judged.filter((h) => h.state === 'Passing');
  if (names ? unknown.length > 0 || judged.length < names.length : passing.length === 0) {
    return { verdict: 'inconclusive', message: `no data for ${unknown.join(', ') || 'any condition'}` };
  }
  return { verdict: 'pass', message: `${passing.length} condition(s) passing` };
}

/** Health as a rollout event carries it: each condition's state, value and threshold. */
export function eventHealth(health: readonly ConditionHealth[] | undefined): NonNullable<RolloutEvent['health']> {
  return (health ?? []).map((h) => ({ name: h.name, state: h.state, value: h.value ?? null, ...(h.threshold ? { threshold: h.threshold } : {}) }));
}
