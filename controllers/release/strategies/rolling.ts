// rolling: one service; ECS replaces the tasks, keelson watches and puts the stable revision back.
import { formatDuration } from '../../../src/api/duration.js';
import type { RevertEvidence, RolloutProgress, RolloutResult } from '../../../src/api/types.js';
import { familyRevision, sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { isUnread } from '../observation.js';
import { describeFailure, eventHealth, failingConditions, judgeStep, revertEvidence } from '../health-status.js';
import { autoRollback, bakeTimeMs, healthIntervalMs } from '../spec.js';
import { appendHistory, iso, ms, REASONS } from '../status.js';
import { correctServiceDrift, deadlineEvidence, deadlinePassed, DONE, ensureServiceUp, holdFor, holdIfBlocked, incompleteObservation, recordDrift, requeueFor, type StageResult } from './stages.js';
import { judged, phaseOfWait } from './waits.js';
import { heldByGates } from './gates.js';
import { approvalStage } from '../approvals.js';
import { recordWindBack, setWindBackPhase } from './wind-back.js';
import { failedJob, preDeploy } from '../jobs/gates.js';
import { holdStart } from '../window-gate.js';
import { restartDeployment, restartRecord, takeRestart } from '../restart.js';
import type { RestartRequest } from '../../../src/api/types.js';

export function planRolling(d: Draft): void {
  const service = d.spec.strategy.rolling?.service as string;
  const svc = d.observed.services[service];
  // A service not read is unknown, not missing.
  if (!svc && !isUnread(d.observed, 'services')) {
    d.setPhase('Degraded', REASONS.ServiceMissing, `service ${service} not found in cluster ${d.spec.cluster}`);
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  if (svc) d.status.stableRevision ??= familyRevision(svc.taskDefinition) ?? svc.taskDefinition;
  if (!d.status.stableRevision) {
    const gap = incompleteObservation(d);
    d.status.message = `waiting to adopt the stable revision: ${gap && !gap.done ? gap.message : 'service not read'}`;
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  const r = d.status.rollout;
  if (r) progress(d, service, r);
  else steady(d, service);
}

function replicas(d: Draft, service: string): number {
  return d.spec.replicas ?? Math.max(1, d.observed.services[service]?.desiredCount ?? 1);
}

function progress(d: Draft, service: string, r: RolloutProgress): void {
  if (r.result) return windBack(d, service, r);
  if (!sameRevision(r.revision, d.status.desiredRevision)) {
    return beginWindBack(d, service, r, 'Superseded', `superseded by ${d.status.desiredRevision}`);
  }
  const abort = d.take('abort');
  if (abort) return beginWindBack(d, service, r, 'Aborted', `aborted by ${abort.requestedBy ?? 'an operator'}`);
  const failing = failingConditions(d)[0];
  if (failing && autoRollback(d.spec)) {
    return beginWindBack(d, service, r, 'Reverted', describeFailure(failing, d.now), revertEvidence(d, r.revision, failing));
  }
  const failed = d.observed.services[service]?.deployments.find(
    (dep) => sameRevision(dep.taskDefinition, r.revision) && dep.rolloutState === 'FAILED',
  );
  if (failed && autoRollback(d.spec)) {
    const reason = `ECS deployment failed: ${failed.rolloutStateReason ?? 'rollout FAILED'}`;
    return beginWindBack(d, service, r, 'Reverted', reason, {
      revision: r.revision,
      condition: 'ecs-deployment',
      revertedAt: iso(d.now),
    });
  }
  const jobFailure = failedJob(d, r);
  if (jobFailure) return beginWindBack(d, service, r, 'Reverted', jobFailure.reason, jobFailure.evidence);
  if (failing || failed) {
    const why = failing ? describeFailure(failing, d.now) : 'ECS deployment failed';
    d.setPhase('Degraded', REASONS.ConditionFailing, `${why}; automatic rollback is off: abort or fix`);
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  if (d.take('promoteFull') ?? d.take('promote')) r.promoteFull = true;
  const gap = incompleteObservation(d);
  if (gap) return wait(d, service, r, gap);
  const gate = d.spec.strategy.rolling?.approval;
  if (gate && !r.approvedAt) {
    const approved = approvalStage(d, r, gate);
    if (!approved.done) return wait(d, service, r, approved);
    // The deadline for the new tasks counts from the approval, not from the wait for it.
    r.stepStartedAt = iso(d.now);
  }

  // Migrations run before the service is updated: a failure leaves it on the stable revision.
  const migrated = preDeploy(d, r, service);
  if (!migrated.done) return wait(d, service, r, migrated);
  const fresh = restartDeployment(d, r, service);
  if (!fresh.done) return wait(d, service, r, fresh);
  const up = ensureServiceUp(d, service, r.revision, replicas(d, service), 'service');
  if (!up.done) return wait(d, service, r, up);
  r.stepReachedAt ??= iso(d.now);
  const baked = bake(d, r);
  if (!baked.done) return wait(d, service, r, baked);
  promote(d, r);
}

/** Once every task runs the revision, health is watched for bakeTime and must pass with data covering it. */
function bake(d: Draft, r: RolloutProgress): StageResult {
  if (r.promoteFull) return DONE;
  const length = bakeTimeMs(d.spec);
  const since = ms(r.stepReachedAt);
  const elapsed = d.now - since;
  if (elapsed < length) {
    return holdFor(`all tasks on ${r.revision}, watching health ${formatDuration(elapsed)} of ${formatDuration(length)}`, length - elapsed);
  }
  return judged(d, judgeStep(d, undefined, since, true), since + length, 'bake over');
}

function wait(d: Draft, service: string, r: RolloutProgress, result: StageResult): void {
  if (result.done) return;
  if (deadlinePassed(d, r, result)) {
    return beginWindBack(d, service, r, 'Reverted', `progress deadline exceeded: ${result.message}`, deadlineEvidence(d, r));
  }
  const { phase, reason } = phaseOfWait(d, result);
  if (phase === 'Paused' && d.status.phase !== 'Paused' && reason !== REASONS.AwaitingApproval) d.emit({ type: 'Paused', toRevision: r.revision, message: result.message });
  d.setPhase(phase, reason, `rolling ${service} to ${r.revision}: ${result.message}`);
  requeueFor(d, result);
}

function promote(d: Draft, r: RolloutProgress): void {
  const from = d.status.stableRevision ?? null;
  const revision = familyRevision(r.revision) ?? r.revision;
  d.status.stableRevision = revision;
  d.status.rollout = null;
  d.status.history = appendHistory(d.status.history, {
    revision,
    fromRevision: from,
    result: 'Promoted',
    ...(r.restart ? { reason: 'restart' } : {}),
    startedAt: r.startedAt,
    finishedAt: iso(d.now),
    ...restartRecord(r),
  });
  const message = `${revision} is stable`;
  d.setPhase('Healthy', REASONS.Promoted, message);
  const image = from ? d.observed.images?.[from] : undefined;
  d.emit({
    type: 'Promoted',
    fromRevision: from,
    toRevision: revision,
    health: eventHealth(d.status.health),
    ...(d.observed.targets.service ? { targets: { healthy: d.observed.targets.service.healthy, total: d.observed.targets.service.total } } : {}),
    ...(from ? { rollbackTarget: { revision: from, ...(image ? { image } : {}) } } : {}),
    message,
  });
}

function beginWindBack(d: Draft, service: string, r: RolloutProgress, result: RolloutResult, reason: string, evidence?: RevertEvidence): void {
  recordWindBack(d, r, result, reason, evidence);
  windBack(d, service, r);
}

/** Puts the service back on the stable revision at once; ECS replaces the tasks. */
function windBack(d: Draft, service: string, r: RolloutProgress): void {
  const stable = d.status.stableRevision as string;
  const svc = d.observed.services[service];
  // Not read: put the stable revision back anyway; UpdateService to what runs already is harmless.
  const back = svc !== undefined && sameRevision(svc.taskDefinition, stable);
  if (!back && (svc || isUnread(d.observed, 'services'))) {
    d.act({ kind: 'updateService', service, taskDefinition: stable, reason: `${r.result}: back to ${stable}` });
  }
  const reason = d.status.history?.[0]?.reason ?? String(r.result);
  if (!back && r.result !== 'Superseded') {
    // Over only once ECS reads back the stable revision: an UpdateService that failed (throttled,
    // say) is tried again on the next pass, and status never says "back on stable" before it is.
    setWindBackPhase(d, r, `putting ${service} back on ${stable}: ${reason}`);
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  d.status.rollout = null;
  if (r.result === 'Superseded') {
    d.setPhase('Progressing', REASONS.RolloutInProgress, `back on ${stable}; starting ${d.status.desiredRevision}`);
    d.requeue(0);
    return;
  }
  setWindBackPhase(d, r, `${r.result === 'Aborted' ? 'aborted' : 'reverted'} ${r.revision}; ${service} back on ${stable}: ${reason}`);
  d.requeue(healthIntervalMs(d.spec));
}

function steady(d: Draft, service: string): void {
  const stable = d.status.stableRevision as string;
  const desired = d.status.desiredRevision as string;
  // A rollout about to start replaces the task definition anyway: putting it back first is wasted.
  const starting = !sameRevision(desired, stable) && !sameRevision(desired, d.status.blockedRevision);
  const gap = incompleteObservation(d);
  if (!gap) recordDrift(d, correctServiceDrift(d, service, stable, starting));

  if (sameRevision(desired, stable)) {
    if (d.status.restart && !gap) {
      if (holdStart(d, `restart of ${stable}`)) return;
      return startRollout(d, service, stable, stable, takeRestart(d));
    }
    d.setPhase('Healthy', REASONS.Stable, `${stable} is stable on ${service}`);
    return;
  }
  if (holdIfBlocked(d, desired, `${service} on ${stable}`)) return;
  if (gap && !gap.done) {
    d.status.message = `${desired} waits to start: ${gap.message}`;
    requeueFor(d, gap);
    return;
  }
  if (heldByGates(d, desired, `${service} on ${stable}`)) return;
  if (holdStart(d, `rollout of ${desired}`)) return;
  startRollout(d, service, desired, stable);
}

function startRollout(d: Draft, service: string, desired: string, stable: string, restart?: RestartRequest): void {
  const rollout: RolloutProgress = {
    revision: desired,
    fromRevision: stable,
    colour: null,
    generation: d.input.generation,
    startedAt: iso(d.now),
    stepIndex: 0,
    stepStartedAt: iso(d.now),
    stepReachedAt: null,
    result: null,
    ...(restart ? { restart } : {}),
  };
  d.status.rollout = rollout;
  d.status.health = [];
  d.emit({
    type: 'RolloutStarted',
    fromRevision: stable,
    toRevision: desired,
    ...(restart ? { reason: 'restart', ...(restart.requestedBy ? { by: restart.requestedBy } : {}) } : {}),
    message: restart ? `restarting ${service} on ${desired}: a new deployment replaces every task` : `rolling ${service} from ${stable} to ${desired}`,
  });
  progress(d, service, rollout);
}
