// Stages shared by the strategies. Each returns done, or a reason to wait that becomes the message.
import { DEFAULTS } from '../../../src/api/defaults.js';
import type { Colour, RevertEvidence, RolloutProgress } from '../../../src/api/types.js';
import { familyRevision, sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { describeGaps } from '../observation.js';
import { healthIntervalMs, progressDeadlineMs, trafficOf, twoColour } from '../spec.js';
import { NO_TRAFFIC_CHANGE, routerFor } from '../traffic/router.js';
import { iso, ms, REASONS, removeCondition, setCondition } from '../status.js';
import { DONE, holdFor, waitFor, type StageResult } from './waits.js';

export { DONE, holdFor, waitFor, type StageResult } from './waits.js';

/**
 * While a read failed, nothing moves forward and nothing is put back: what was not read is
 * unknown, not absent. A hold by design, so it never counts against progressDeadline; only a
 * wind-back (which needs no more than weight writes) still acts.
 */
export function incompleteObservation(draft: Draft): StageResult | undefined {
  const gaps = draft.observed.unread ?? [];
  if (gaps.length === 0) return undefined;
  return holdFor(`held while reads fail: ${describeGaps(gaps)}`, healthIntervalMs(draft.spec));
}

export function serviceOf(draft: Draft, colour: Colour): string {
  const tc = twoColour(draft.spec);
  if (!tc) throw new Error('two-colour stage on a rolling Release');
  return tc.services[colour];
}

/** Tasks a colour needs: spec.replicas, else what the stable colour runs now. */
export function replicasFor(draft: Draft, stableService: string): number {
  if (draft.spec.replicas !== undefined) return draft.spec.replicas;
  const stable = draft.observed.services[stableService];
  return Math.max(1, stable?.desiredCount ?? 1);
}

/** The service runs `revision` with enough healthy targets for traffic. */
export function ensureServiceUp(
  draft: Draft,
  service: string,
  revision: string,
  replicas: number,
  targetsKey: Colour | 'service',
): StageResult {
  const svc = draft.observed.services[service];
  if (!svc) return waitFor(`service ${service} not found`);
  const autoscaled = draft.observed.autoscaled[service] === true;
  // Auto Scaling owns the count once the service runs: bring it up, never fight it.
  const wanted = autoscaled && svc.desiredCount > 0 ? svc.desiredCount : replicas;
  if (!sameRevision(svc.taskDefinition, revision) || svc.desiredCount !== wanted) {
    draft.act({
      kind: 'updateService',
      service,
      ...(sameRevision(svc.taskDefinition, revision) ? {} : { taskDefinition: revision }),
      ...(svc.desiredCount !== wanted ? { desiredCount: wanted } : {}),
      reason: `bring ${service} up on ${revision}`,
    });
    return waitFor(`starting ${revision} on ${service}`);
  }
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  if (svc.runningCount < wanted || primary?.rolloutState === 'IN_PROGRESS') {
    return waitFor(`${service}: ${svc.runningCount}/${wanted} tasks running`);
  }
  const targets = draft.observed.targets[targetsKey];
  if (svc.loadBalancers.length > 0 && (!targets || targets.healthy < wanted)) {
    return waitFor(`${service}: ${targets?.healthy ?? 0}/${wanted} targets healthy`);
  }
  return DONE;
}

export function weightsFor(colour: Colour, weight: number): { blue: number; green: number } {
  return colour === 'blue' ? { blue: weight, green: 100 - weight } : { blue: 100 - weight, green: weight };
}

export function sameWeights(a: { blue: number; green: number } | undefined, b: { blue: number; green: number }): boolean {
  return a !== undefined && a.blue === b.blue && a.green === b.green;
}

/** Weights are reached only when read back equal and the router says they are in effect. */
export function ensureWeights(
  draft: Draft,
  rollout: RolloutProgress | null,
  want: { blue: number; green: number },
  reason: string,
): StageResult {
  const traffic = draft.observed.traffic;
  if (!traffic || !sameWeights(traffic.weights, want)) {
    draft.act({ kind: 'setWeights', weights: want, reason });
    if (rollout) Object.assign(rollout, NO_TRAFFIC_CHANGE);
    return waitFor(`setting weights blue ${want.blue}% / green ${want.green}%`, 0);
  }
  const spec = trafficOf(draft.spec);
  if (!spec) return DONE;
  const verdict = routerFor(spec).verify(traffic, rollout, draft.now);
  if (verdict.record && rollout) Object.assign(rollout, verdict.record);
  return verdict.settled ? DONE : waitFor(verdict.message, verdict.retryAfterMs);
}

/**
 * Applies a stage's wait to the draft; true when a wait on the cloud has outlived progressDeadline.
 * The deadline runs from when the cloud wait began: time the step spent waiting for data, a
 * timer or a person (or while the store could not be written) is not the cloud's fault. A read
 * gap interrupts nothing, so failing reads cannot keep a wait from ever timing out.
 */
export function deadlinePassed(draft: Draft, rollout: RolloutProgress, result: StageResult): boolean {
  if (result.done) return false;
  if (result.waitingOn !== 'cloud') {
    if ((draft.observed.unread ?? []).length === 0) rollout.cloudWaitSince = null;
    return false;
  }
  const began = Math.max(ms(rollout.stepStartedAt), rollout.cloudWaitSince ? ms(rollout.cloudWaitSince) : draft.now);
  rollout.cloudWaitSince = iso(began);
  return draft.now - began > progressDeadlineMs(draft.spec);
}

export function requeueFor(draft: Draft, result: StageResult): void {
  if (result.done) return;
  draft.requeue(Math.min(result.requeueAfter ?? Infinity, healthIntervalMs(draft.spec)));
}

/**
 * Outside a rollout, the stable service runs the stable revision and, unless Auto Scaling owns
 * it, spec.replicas. Returns what was put back. `keepTaskDefinition`: a rollout is about to
 * replace it anyway.
 */
export function correctServiceDrift(d: Draft, service: string, stableRevision: string, keepTaskDefinition = false): string[] {
  const svc = d.observed.services[service];
  const drift: string[] = [];
  if (!svc) return drift;
  if (!keepTaskDefinition && !sameRevision(svc.taskDefinition, stableRevision)) {
    drift.push(`${service} ran ${familyRevision(svc.taskDefinition) ?? svc.taskDefinition}, not ${stableRevision}`);
    d.act({ kind: 'updateService', service, taskDefinition: stableRevision, reason: 'drift: task definition changed outside keelson' });
  }
  if (d.spec.replicas !== undefined && !d.observed.autoscaled[service] && svc.desiredCount !== d.spec.replicas) {
    drift.push(`${service} desired count was ${svc.desiredCount}, not ${d.spec.replicas}`);
    d.act({ kind: 'updateService', service, desiredCount: d.spec.replicas, reason: 'drift: desired count changed outside keelson' });
  }
  return drift;
}

/** The Drifted condition appears while something was put back, with a DriftCorrected event. */
export function recordDrift(d: Draft, drift: string[]): void {
  const conditions = d.status.conditions ?? [];
  if (drift.length === 0) {
    d.status.conditions = removeCondition(conditions, 'Drifted');
    return;
  }
  const message = `put back: ${drift.join('; ')}`;
  d.status.conditions = setCondition(conditions, 'Drifted', 'True', REASONS.DriftCorrected, message, d.now);
  d.emit({ type: 'DriftCorrected', toRevision: d.status.stableRevision ?? null, reason: message, message: `drift corrected: ${message}` });
}

/** A blocked desired revision holds the Release in Degraded (or Aborted) until the spec changes or a retry. */
export function holdIfBlocked(d: Draft, desired: string, serving: string): boolean {
  if (!sameRevision(desired, d.status.blockedRevision)) return false;
  const last = d.status.history?.find((h) => sameRevision(h.revision, desired));
  const message = `${desired} is blocked (${last?.reason ?? 'it failed'}); ${serving}. Change spec.revision or run keelson retry`;
  d.setPhase(last?.result === 'Aborted' ? 'Aborted' : 'Degraded', REASONS.Blocked, message);
  return true;
}

/** Evidence for a revert by progressDeadline: the stage that waited too long. */
export function deadlineEvidence(d: Draft, rollout: RolloutProgress): RevertEvidence {
  return {
    revision: rollout.revision,
    condition: 'progressDeadline',
    failFor: d.spec.progressDeadline ?? DEFAULTS.progressDeadline,
    revertedAt: iso(d.now),
    failingSince: rollout.cloudWaitSince ?? rollout.stepStartedAt,
  };
}
