// canary and blueGreen: two services, traffic moved between them by weights, step by step.
import { formatDuration, parseDuration } from '../../../src/api/duration.js';
import type { AnalysisStep, ApprovalStep, Colour, PauseStep, RevertEvidence, RolloutProgress, RolloutResult, Step, WarmColour } from '../../../src/api/types.js';
import { approvalStage, promoteStopsAt } from '../approvals.js';
import { familyRevision, sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { isUnread } from '../observation.js';
import { targetGroupsOf } from '../observe.js';
import { breaching, describeFailure, eventHealth, failingConditions, judgeStep, revertEvidence } from '../health-status.js';
import {
  autoRollback,
  bakeTimeMs,
  colourCarryingTraffic,
  describeStep,
  healthIntervalMs,
  otherColour,
  scaleDownDelayMs,
  stepsOf,
  twoColour,
} from '../spec.js';
import { appendHistory, iso, ms, REASONS } from '../status.js';
import {
  correctServiceDrift,
  deadlineEvidence,
  deadlinePassed,
  holdIfBlocked,
  recordDrift,
  DONE,
  ensureServiceUp,
  ensureWeights,
  holdFor,
  incompleteObservation,
  replicasFor,
  requeueFor,
  sameWeights,
  serviceOf,
  type StageResult,
  weightsFor,
} from './stages.js';
import { awaitPerson, judged, phaseOfWait } from './waits.js';
import { heldByGates } from './gates.js';
import { previewTargets } from '../traffic/preview.js';
import { recordWindBack, setWindBackPhase } from './wind-back.js';
import { holdStart, windowHold } from '../window-gate.js';
import { restartDeployment, restartRecord, takeRestart } from '../restart.js';
import type { RestartRequest } from '../../../src/api/types.js';
import { failedJob, gateStep, preDeploy } from '../jobs/gates.js';

export function planTwoColour(d: Draft): void {
  if (!adoptStable(d)) return;
  d.status.weights = d.observed.traffic?.weights ?? d.status.weights ?? null;
  const rollout = d.status.rollout;
  if (rollout) progressRollout(d, rollout);
  else planSteady(d);
}

/** First sight of a Release: the colour carrying the traffic is the stable one. */
function adoptStable(d: Draft): boolean {
  const tc = twoColour(d.spec);
  if (!tc) return false;
  const servicesUnread = isUnread(d.observed, 'services');
  const missing = servicesUnread ? [] : [tc.services.blue, tc.services.green].filter((s) => !d.observed.services[s]);
  if (missing.length > 0) {
    d.setPhase('Degraded', REASONS.ServiceMissing, `service ${missing.join(', ')} not found in cluster ${d.spec.cluster}`);
    d.requeue(healthIntervalMs(d.spec));
    return false;
  }
  if (!d.status.stableColour || !d.status.stableRevision) {
    const gap = incompleteObservation(d);
    if (gap && !gap.done) {
      // Which colour is stable is read from the weights and the services: never guessed.
      d.status.message = `waiting to adopt the stable colour: ${gap.message}`;
      requeueFor(d, gap);
      return false;
    }
    const colour = colourCarryingTraffic(d.observed.traffic?.weights);
    const svc = d.observed.services[tc.services[colour]];
    d.status.stableColour = colour;
    d.status.stableRevision = svc ? (familyRevision(svc.taskDefinition) ?? svc.taskDefinition) : null;
  }
  return true;
}

// ---------------------------------------------------------------- a rollout in flight

function progressRollout(d: Draft, r: RolloutProgress): void {
  const canary = r.colour as Colour;
  if (r.result) return finishWindBack(d, r);
  if (!sameRevision(r.revision, d.status.desiredRevision)) {
    return beginWindBack(d, r, 'Superseded', `superseded by ${d.status.desiredRevision}`);
  }
  const abort = d.take('abort');
  if (abort) return beginWindBack(d, r, 'Aborted', `aborted by ${abort.requestedBy ?? 'an operator'}`);
  const deleted = deletedService(d, serviceOf(d, canary));
  if (deleted && autoRollback(d.spec)) {
    // The new colour cannot carry the rollout any more; traffic it has goes back to stable.
    return beginWindBack(d, r, 'Reverted', deleted, { revision: r.revision, condition: 'service-deleted', revertedAt: iso(d.now) });
  }
  const failing = failingConditions(d)[0];
  if (failing) {
    if (autoRollback(d.spec)) {
      return beginWindBack(d, r, 'Reverted', describeFailure(failing, d.now), revertEvidence(d, r.revision, failing));
    }
    d.setPhase('Degraded', REASONS.ConditionFailing, `${describeFailure(failing, d.now)}; automatic rollback is off: promote or abort`);
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  const jobFailure = failedJob(d, r);
  if (jobFailure) return beginWindBack(d, r, 'Reverted', jobFailure.reason, jobFailure.evidence);

  const steps = stepsOf(d.spec);
  const gap = incompleteObservation(d);
  if (gap) {
    applyPromote(d, r, steps);
    return wait(d, r, steps, gap);
  }
  // A first-step approval gate comes before migrations: they run only on an approved revision.
  const first = steps[0];
  if (r.stepIndex === 0 && first && 'approval' in first && (d.spec.hooks?.preDeploy?.length ?? 0) > 0) {
    const approved = approvalStage(d, r, first.approval);
    if (!approved.done) return wait(d, r, steps, approved);
  }
  // Migrations run before the new colour starts: a failure leaves it never started.
  const migrated = preDeploy(d, r, serviceOf(d, canary));
  if (!migrated.done) return wait(d, r, steps, migrated);
  const stableService = serviceOf(d, otherColour(canary));
  const fresh = restartDeployment(d, r, serviceOf(d, canary), replicasFor(d, stableService));
  if (!fresh.done) return wait(d, r, steps, fresh);
  const up = ensureServiceUp(d, serviceOf(d, canary), r.revision, replicasFor(d, stableService), canary);
  if (!up.done) return wait(d, r, steps, up);
  pointPreview(d, canary);

  applyPromote(d, r, steps);
  while (r.stepIndex < steps.length) {
    const step = steps[r.stepIndex] as Step;
    const result = runStep(d, r, step, steps);
    if (!result.done) return wait(d, r, steps, result);
    reachStep(d, r, steps);
  }
  const baked = bake(d, r);
  if (!baked.done) return wait(d, r, steps, baked);
  promote(d, r);
}

/** Why a service was deleted outside keelson (ECS shows it DRAINING, then INACTIVE), if it was. */
function deletedService(d: Draft, name: string): string | undefined {
  const svc = d.observed.services[name];
  if (!svc || svc.status === 'ACTIVE') return undefined;
  return `service ${name} was deleted outside keelson (${svc.status})`;
}

/** blueGreen's preview listener or rule sends everything to the colour being rolled out, once it is up. */
function pointPreview(d: Draft, canary: Colour): void {
  if (!d.observed.preview) return;
  const want = previewTargets(d.observed.preview, targetGroupsOf(d.input.release, d.observed.services), canary);
  if (want) d.act({ kind: 'setPreviewWeights', targetGroups: want, reason: `preview the new revision on ${canary}` });
}

/** A person's promote skips the current step; promote --full skips them all, and the bake. */
function applyPromote(d: Draft, r: RolloutProgress, steps: Step[]): void {
  const op = d.take('promoteFull') ?? d.take('promote');
  if (!op) return;
  const by = op.requestedBy ?? 'an operator';
  const stop = promoteStopsAt(d, r);
  if (stop) {
    // Up to the approval gate, no further: the gate is for the people it names.
    if (stop.gate > r.stepIndex) {
      r.stepIndex = op.kind === 'promoteFull' ? stop.gate : r.stepIndex + 1;
      r.stepStartedAt = iso(d.now);
    }
    d.status.message = `promoted by ${by}; ${stop.message}`;
    return;
  }
  if (op.kind === 'promoteFull') {
    r.promoteFull = true;
    r.stepIndex = Math.max(r.stepIndex, steps.length - 1);
  } else if (r.stepIndex < steps.length) {
    r.stepIndex += 1;
  } else {
    r.promoteFull = true; // at the bake, a promote skips what is left of it
  }
  r.stepStartedAt = iso(d.now);
  d.status.message = `promoted by ${by}`;
}

function runStep(d: Draft, r: RolloutProgress, step: Step, steps: Step[]): StageResult {
  const canary = r.colour as Colour;
  const current = currentWeight(d, r);
  const since = ms(r.stepStartedAt);
  if ('setWeight' in step) {
    const want = weightsFor(canary, step.setWeight);
    // Only measured health moves more traffic: straight after another weight step nothing has
    // judged the colour at its current weight yet (a pause or analysis in between already did).
    const previous = steps[r.stepIndex - 1];
    const more = step.setWeight > current && !sameWeights(d.observed.traffic?.weights, want);
    const held = more ? windowHold(d, `${step.setWeight}% to ${canary}`, r) : undefined;
    if (held) return held;
    if (more && previous && 'setWeight' in previous && current > 0) {
      const gate = judged(d, judgeStep(d, undefined, since, true), since, `before ${step.setWeight}% to ${canary}`);
      if (!gate.done) return gate;
    }
    // A condition failing for less than its failFor holds every move of traffic towards the new colour.
    if (more) {
      const gate = judged(d, breaching(d), since, `before ${step.setWeight}% to ${canary}`);
      if (!gate.done) return gate;
    }
    return ensureWeights(d, r, want, `step ${r.stepIndex + 1}: ${step.setWeight}% to ${canary}`);
  }
  // Between weight steps, the weight last reached must still hold (someone may have edited it).
  // Weights already at the next step's were written by a pass that judged this step done and then
  // lost its status (a crash): they stand only if this step is done now too; otherwise they go back.
  const ahead = atNextStepWeights(d, r, steps);
  if (!ahead) {
    const held = ensureWeights(d, r, weightsFor(canary, current), 'hold the current step weight');
    if (!held.done) return held;
  }
  const result =
    'job' in step || 'http' in step
      ? gateStep(d, r, step, serviceOf(d, canary))
      : 'approval' in step
        ? approvalStep(d, r, step, since, current)
        : timedStep(d, step, since, current);
  if (ahead && !result.done) {
    const held = ensureWeights(d, r, weightsFor(canary, current), 'hold the current step weight');
    if (!held.done) return held;
  }
  // A Route 53 change seen in sync is waited on for one more TTL from now: resolvers may not follow yet.
  if (ahead && result.done && r.trafficChangeId) r.trafficInSyncAt = iso(d.now);
  return result;
}

/** A pause or an analysis: its time, then its judgement on measured health. */
function timedStep(d: Draft, step: PauseStep | AnalysisStep, since: number, current: number): StageResult {
  const elapsed = d.now - since;
  if ('pause' in step) {
    if (!step.pause.duration) return awaitPerson('paused until promoted (keelson promote)');
    const length = parseDuration(step.pause.duration);
    if (elapsed < length) return holdFor(`pause, ${formatDuration(length - elapsed)} left`, length - elapsed);
    return judged(d, judgeStep(d, undefined, since, current > 0), since + length, 'pause over');
  }
  const length = parseDuration(step.analysis.duration);
  if (elapsed < length) return holdFor(`analysis ${formatDuration(elapsed)} of ${step.analysis.duration}`, length - elapsed);
  return judged(d, judgeStep(d, step.analysis.conditions, since, current > 0), since + length, 'analysis over');
}

/**
 * An approval gate, then, like the end of a pause, health judged on data covering the step: an
 * approval is a person's say, not a measurement, so it never moves traffic on without one.
 */
function approvalStep(d: Draft, r: RolloutProgress, step: ApprovalStep, since: number, current: number): StageResult {
  const approved = approvalStage(d, r, step.approval);
  if (!approved.done) return approved;
  const at = ms(r.approvedAt);
  return judged(d, judgeStep(d, undefined, since, current > 0), at, 'approved');
}

/** The weights read back are the next step's, a setWeight straight after this one. */
function atNextStepWeights(d: Draft, r: RolloutProgress, steps: Step[]): boolean {
  const next = steps[r.stepIndex + 1];
  const observed = d.observed.traffic?.weights;
  return !!next && 'setWeight' in next && !!observed && sameWeights(observed, weightsFor(r.colour as Colour, next.setWeight));
}

function reachStep(d: Draft, r: RolloutProgress, steps: Step[]): void {
  const step = steps[r.stepIndex];
  d.emit({
    type: 'StepReached',
    fromRevision: r.fromRevision ?? null,
    toRevision: r.revision,
    step: { index: r.stepIndex, total: steps.length, description: describeStep(step) },
    ...(d.observed.traffic?.weights ? { weights: d.observed.traffic.weights } : {}),
    message: `step ${r.stepIndex + 1}/${steps.length} reached: ${describeStep(step)}`,
  });
  r.stepIndex += 1;
  r.stepStartedAt = iso(d.now);
  r.stepReachedAt = iso(d.now);
}

/** The weight of the last setWeight step already passed. */
function currentWeight(d: Draft, r: RolloutProgress): number {
  const steps = stepsOf(d.spec).slice(0, r.stepIndex);
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s && 'setWeight' in s) return s.setWeight;
  }
  return 0;
}

/** After 100%, health is watched for bakeTime and must pass with data covering it. */
function bake(d: Draft, r: RolloutProgress): StageResult {
  if (r.fast || r.promoteFull) return DONE;
  const length = bakeTimeMs(d.spec);
  const since = ms(r.stepStartedAt);
  const elapsed = d.now - since;
  if (elapsed < length) {
    return holdFor(`baking: 100% on ${r.revision}, watching health ${formatDuration(elapsed)} of ${formatDuration(length)}`, length - elapsed);
  }
  return judged(d, judgeStep(d, undefined, since, true), since + length, 'bake over');
}

function promote(d: Draft, r: RolloutProgress): void {
  const from = d.status.stableRevision ?? null;
  const delay = scaleDownDelayMs(d.spec);
  d.status.stableRevision = familyRevision(r.revision) ?? r.revision;
  d.status.stableColour = r.colour ?? null;
  d.status.currentStepIndex = null;
  d.status.history = appendHistory(d.status.history, {
    revision: d.status.stableRevision,
    fromRevision: from,
    result: 'Promoted',
    ...(r.fast ? { reason: 'fast rollback to a warm colour' } : {}),
    ...(r.restart ? { reason: 'restart' } : {}),
    startedAt: r.startedAt,
    finishedAt: iso(d.now),
    ...restartRecord(r),
  });
  d.status.rollout = null;
  const warm = otherColour(r.colour as Colour);
  d.status.warmColour = from ? { colour: warm, revision: from, scaleDownAt: iso(d.now + delay) } : null;
  const message = `${d.status.stableRevision} is stable on ${r.colour}; ${from ?? 'the previous revision'} stays warm for ${formatDuration(delay)}`;
  d.setPhase('Healthy', REASONS.Promoted, message);
  d.emit({
    type: 'Promoted',
    fromRevision: from,
    toRevision: d.status.stableRevision,
    ...(d.status.weights ? { weights: d.status.weights } : {}),
    health: eventHealth(d.status.health),
    ...(d.observed.targets[r.colour as Colour] ? { targets: targetSummary(d, r.colour as Colour) } : {}),
    ...(from ? { rollbackTarget: { revision: from, ...(d.observed.images?.[from] ? { image: d.observed.images[from] } : {}) } } : {}),
    message,
  });
  d.requeue(delay);
}

function targetSummary(d: Draft, colour: Colour): { healthy: number; total: number } {
  const t = d.observed.targets[colour];
  return { healthy: t?.healthy ?? 0, total: t?.total ?? 0 };
}

function wait(d: Draft, r: RolloutProgress, steps: Step[], result: StageResult): void {
  if (result.done) return;
  if (deadlinePassed(d, r, result)) {
    const reason = `progress deadline exceeded: ${result.message}`;
    return beginWindBack(d, r, 'Reverted', reason, deadlineEvidence(d, r));
  }
  d.status.currentStepIndex = r.stepIndex;
  const stepText = r.stepIndex < steps.length ? `step ${r.stepIndex + 1}/${steps.length}: ${describeStep(steps[r.stepIndex])}` : 'bake';
  const message = `${stepText} to ${r.revision} (${r.colour}): ${result.message}`;
  const { phase, reason } = phaseOfWait(d, result);
  // A window's hold is told by WindowClosed; an approval gate tells people itself (AwaitingApproval), with how to approve.
  if (phase === 'Paused' && d.status.phase !== 'Paused' && result.waitingOn !== 'window' && reason !== REASONS.AwaitingApproval) {
    d.emit({ type: 'Paused', toRevision: r.revision, message: result.message });
  }
  d.setPhase(phase, reason, message);
  requeueFor(d, result);
}

// ---------------------------------------------------------------- winding a rollout back

function beginWindBack(d: Draft, r: RolloutProgress, result: RolloutResult, reason: string, evidence?: RevertEvidence): void {
  recordWindBack(d, r, result, reason, evidence);
  finishWindBack(d, r);
}

/** All traffic back on stable first; only once that is read back does the failed colour go. */
function finishWindBack(d: Draft, r: RolloutProgress): void {
  const stable = otherColour(r.colour as Colour);
  const reason = d.status.history?.[0]?.reason ?? String(r.result);
  // A step that chose to move traffic forward earlier in this pass (then ran out of its
  // deadline, say) must not land after the decision to go back.
  d.withdraw('setWeights');
  const back = ensureWeights(d, r, weightsFor(stable, 100), `${r.result}: all traffic back to ${d.status.stableRevision}`);
  if (!back.done) {
    setWindBackPhase(d, r, `moving all traffic back to ${d.status.stableRevision} (${stable}): ${reason}`);
    requeueFor(d, back);
    return;
  }
  const canaryService = serviceOf(d, r.colour as Colour);
  if (r.result !== 'Superseded' && isUnread(d.observed, 'services')) {
    // Traffic is safe on stable; scaling the failed colour down waits for a pass that reads ECS.
    setWindBackPhase(d, r, `traffic back on ${d.status.stableRevision} (${stable}); ${canaryService} is scaled down once ECS can be read: ${reason}`);
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  const svc = d.observed.services[canaryService];
  if (r.result !== 'Superseded' && svc && svc.status === 'ACTIVE' && svc.desiredCount > 0) {
    d.act({ kind: 'updateService', service: canaryService, desiredCount: 0, reason: `${r.result}: scale the failed colour down` });
  }
  d.status.rollout = null;
  d.status.currentStepIndex = null;
  if (r.result === 'Superseded') {
    d.setPhase('Progressing', REASONS.RolloutInProgress, `traffic back on ${d.status.stableRevision}; starting ${d.status.desiredRevision}`);
    d.requeue(0);
    return;
  }
  setWindBackPhase(d, r, `${r.result === 'Aborted' ? 'aborted' : 'reverted'} ${r.revision}; 100% on ${d.status.stableRevision}: ${reason}`);
  d.requeue(healthIntervalMs(d.spec));
}

// ---------------------------------------------------------------- no rollout in flight

function planSteady(d: Draft): void {
  const stable = d.status.stableColour as Colour;
  const idle = otherColour(stable);
  const stableService = serviceOf(d, stable);
  const idleService = serviceOf(d, idle);
  const stableRevision = d.status.stableRevision as string;
  const desired = d.status.desiredRevision as string;
  // What could not be read is never taken for drift, nor for an idle colour to scale down.
  const gap = incompleteObservation(d);
  if (!gap) {
    const drift = correctServiceDrift(d, stableService, stableRevision);
    const w = d.observed.traffic?.weights;
    if (w && !sameWeights(w, weightsFor(stable, 100))) {
      drift.push(`weights were blue ${w.blue} / green ${w.green}`);
      d.act({ kind: 'setWeights', weights: weightsFor(stable, 100), reason: 'drift: weights changed outside keelson' });
    }
    recordDrift(d, drift);

    // A rollout about to start brings the idle colour up: scaling it down first would be wasted.
    const starting = !sameRevision(desired, stableRevision) && !sameRevision(desired, d.status.blockedRevision);
    const warm = d.status.warmColour;
    if (warm && !starting) scaleDownWarmColour(d, warm, stable, idleService);
    else if (!starting && w && w[idle] === 0 && !d.observed.autoscaled[idleService] && (d.observed.services[idleService]?.desiredCount ?? 0) > 0) {
      d.act({ kind: 'updateService', service: idleService, desiredCount: 0, reason: 'the idle colour takes no traffic' });
    }
  }

  if (sameRevision(desired, stableRevision)) {
    if (d.status.restart && !gap) {
      if (holdStart(d, `restart of ${stableRevision}`)) return;
      return startRollout(d, desired, stable, takeRestart(d));
    }
    d.status.currentStepIndex = null;
    d.setPhase('Healthy', REASONS.Stable, `${stableRevision} is stable on ${stable} (100%)`);
    return;
  }
  if (holdIfBlocked(d, desired, `100% on ${stableRevision}`)) return;
  if (gap && !gap.done) {
    d.status.message = `${desired} waits to start: ${gap.message}`;
    requeueFor(d, gap);
    return;
  }
  if (heldByGates(d, desired, `100% on ${stableRevision}`)) return;
  if (holdStart(d, `rollout of ${desired}`)) return;
  startRollout(d, desired, stable);
}

/** The old colour goes only after its delay, with weights read back at 0 and the new colour healthy. */
function scaleDownWarmColour(d: Draft, warm: WarmColour, stable: Colour, idleService: string): void {
  const at = ms(warm.scaleDownAt);
  if (d.now < at) {
    d.requeue(at - d.now);
    return;
  }
  const stableService = serviceOf(d, stable);
  const weightsOff = d.observed.traffic?.weights?.[warm.colour] === 0;
  const up = ensureServiceUp(d, stableService, d.status.stableRevision as string, replicasFor(d, stableService), stable);
  if (!weightsOff || !up.done) {
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  const svc = d.observed.services[idleService];
  if (svc && svc.desiredCount > 0 && !d.observed.autoscaled[idleService]) {
    d.act({ kind: 'updateService', service: idleService, desiredCount: 0, reason: 'scale-down delay over' });
  }
  d.status.warmColour = null;
}

function startRollout(d: Draft, desired: string, stable: Colour, restart?: RestartRequest): void {
  const canary = otherColour(stable);
  const steps = stepsOf(d.spec);
  // A restart wants new tasks: a colour still warm runs old ones.
  const warm = !restart && isWarm(d, desired, canary);
  const rollout: RolloutProgress = {
    revision: desired,
    fromRevision: d.status.stableRevision ?? null,
    colour: canary,
    generation: d.input.generation,
    startedAt: iso(d.now),
    stepIndex: warm ? steps.length - 1 : 0,
    stepStartedAt: iso(d.now),
    stepReachedAt: null,
    result: null,
    trafficChangeId: null,
    trafficInSyncAt: null,
    fast: warm,
    ...(restart ? { restart } : {}),
  };
  d.status.rollout = rollout;
  // The warm colour is the one this rollout takes over: it is warm no longer.
  d.status.warmColour = null;
  d.status.health = [];
  d.emit({
    type: 'RolloutStarted',
    fromRevision: d.status.stableRevision ?? null,
    toRevision: desired,
    step: { index: rollout.stepIndex, total: steps.length, description: describeStep(steps[rollout.stepIndex]) },
    ...(restart ? { reason: 'restart', ...(restart.requestedBy ? { by: restart.requestedBy } : {}) } : {}),
    message: restart
      ? `restart of ${desired}: new tasks on ${canary} take traffic step by step (${steps.length} steps)`
      : warm
        ? `rolling back to ${desired}: ${canary} is still warm, switching at once`
        : `rollout of ${desired} on ${canary} started (${steps.length} steps)`,
  });
  progressRollout(d, rollout);
}

/** The desired revision was stable recently and its colour still runs it: no need for the steps. */
function isWarm(d: Draft, desired: string, colour: Colour): boolean {
  const warm = d.status.warmColour;
  if (!warm || warm.colour !== colour || !sameRevision(warm.revision, desired)) return false;
  if (d.now >= ms(warm.scaleDownAt)) return false;
  const svc = d.observed.services[serviceOf(d, colour)];
  return !!svc && sameRevision(svc.taskDefinition, desired) && svc.runningCount > 0 && svc.runningCount >= svc.desiredCount;
}
