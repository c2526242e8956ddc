// Health for a pass: measure the rollout's colour (against the stable one for relative checks),
// then assess each condition against its previous state. Nothing is measured outside a rollout.
import type { ConditionHealth, Release, ReleaseStatus } from '../../src/api/types.js';
import { assess, ECS_TASKS_CONDITION, HEALTH_LIMITS, healthIntervalMs, measure, measureEcsTasks, type BaselineFigure, type ColourTarget, type Measurement, type MeasureTarget } from '../../src/health/index.js';
import { describeGaps, isUnread, type Observation } from './observation.js';
import { rolloutServiceOf, targetGroupsOf } from './observe.js';
import type { HealthEvaluator } from './reconciler.js';
import { otherColour, twoColour } from './spec.js';
import { ms } from './status.js';

export const evaluateHealth: HealthEvaluator = async ({ release, status, observed, ports, now }) => {
  const rollout = status.rollout;
  if (!rollout || rollout.result) return [];
  const target = measureTargetOf(release, status, observed);
  if (!target) return [];
  const conditions = release.spec.health?.conditions ?? [];
  const intervalMs = healthIntervalMs(release.spec.health);
  const previous = new Map((status.health ?? []).map((h) => [h.name, h]));
  const measurements = await measure(conditions, target, ports, now);
  const assessed: ConditionHealth[] = conditions.map((condition, i) =>
    assess(condition, previous.get(condition.name), measurements[i] as (typeof measurements)[number], { now, intervalMs }),
  );
  const service = observed.services[target.canary.service];
  if (isUnread(observed, 'services') || isUnread(observed, 'stoppedTasks')) {
    // Tasks not read are not tasks that never crashed: no data, never a pass.
    const gaps = (observed.unread ?? []).filter((g) => g.part === 'services' || g.part === 'stoppedTasks');
    const before = previous.get(ECS_TASKS_CONDITION.name);
    const unmeasured: Measurement = {
      name: ECS_TASKS_CONDITION.name,
      outcome: 'nodata',
      value: null,
      threshold: before?.threshold ?? `< ${HEALTH_LIMITS.ecsStoppedTasksToFail} tasks stopped with errors`,
      message: `not read: ${describeGaps(gaps)}`,
      at: now,
    };
    assessed.push(assess(ECS_TASKS_CONDITION, previous.get(ECS_TASKS_CONDITION.name), unmeasured, { now, intervalMs }));
  } else if (service) {
    // A colour of two tasks that both crashed has fully failed: don't wait for a third.
    const enough = Math.max(1, Math.min(HEALTH_LIMITS.ecsStoppedTasksToFail, service.desiredCount));
    const ecs = measureEcsTasks({ service, stoppedTasks: observed.stoppedTasks, revision: rollout.revision, rolloutStartedAt: ms(rollout.startedAt) }, now, enough);
    assessed.push(assess(ECS_TASKS_CONDITION, previous.get(ECS_TASKS_CONDITION.name), ecs, { now, intervalMs }));
  }
  return assessed;
};

function measureTargetOf(release: Release, status: ReleaseStatus, observed: Observation): MeasureTarget | undefined {
  const service = rolloutServiceOf(release, status);
  if (!service) return undefined;
  const groups = targetGroupsOf(release, observed.services);
  const tc = twoColour(release.spec);
  const colour = status.rollout?.colour;
  const dataSince = status.rollout ? { dataSince: ms(status.rollout.startedAt) } : {};
  if (!tc || !colour) {
    return { cluster: release.spec.cluster, canary: { ...colourTarget(service, groups.service), ...expectedTargets(status, observed, service), ...dataSince } };
  }
  const stable = otherColour(colour);
  return {
    cluster: release.spec.cluster,
    canary: { ...colourTarget(service, groups[colour]), ...expectedTargets(status, observed, service), ...dataSince },
    baseline: colourTarget(tc.services[stable], groups[stable]),
    capturedBaselines: capturedBaselines(status),
    baselineIdle: observed.traffic?.weights?.[stable] === 0,
  };
}

/** The stable colour's figures kept in status from earlier passes of this rollout. */
function capturedBaselines(status: ReleaseStatus): Map<string, BaselineFigure> {
  const kept = new Map<string, BaselineFigure>();
  for (const h of status.health ?? []) {
    if (h.baseline) kept.set(h.name, { value: h.baseline.value, at: Date.parse(h.baseline.at) });
  }
  return kept;
}

/** Once the rollout's colour has reached a traffic step, all its tasks should stay healthy. */
function expectedTargets(status: ReleaseStatus, observed: Observation, service: string): { expectedTargets?: number } {
  const svc = observed.services[service];
  if (!status.rollout?.stepReachedAt || !svc || svc.loadBalancers.length === 0) return {};
  return { expectedTargets: svc.desiredCount };
}

function colourTarget(service: string, targetGroupArn: string | undefined): ColourTarget {
  return targetGroupArn ? { service, targetGroupArn } : { service };
}
