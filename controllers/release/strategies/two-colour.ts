// canary and blueGreen: two services, traffic moved between them by weights, step by step.
import { formatDuration, parseDuration } from '../../../src/api/duration.js';
import type { Colour, RevertEvidence, RolloutProgress, RolloutResult, Step } from '../../../src/api/types.js';
import { familyRevision, sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { isUnread } from '../observation.js';
import { targetGroupsOf } from '../observe.js';
import { analysisVerdict, describeFailure, eventHealth, failingConditions, revertEvidence } from '../health-status.js';
import {
  autoRollback,
  bakeTimeMs,
  describeStep,
  healthIntervalMs,
  otherColour,
  progressDeadlineMs,
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
import { recordWindBack, setWindBackPhase } from './wind-back.js';

export function planTwoColour(d: Draft): void {
  if (!adoptStable(d)) return;
  d.status.weights = d.observed.traffic?.weights ?? d.status.weights ?? null;
  const rollout = d.status.rollout;
  if (rollout && !rollout.completedAt) progressRollout(d, rollout);
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
    const w = d.observed.traffic?.weights;
    const colour: Colour = w && w.green > w.blue ? 'green' : 'blue';
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
  const failing = failingConditions(d)[0];
  if (failing) {
    if (autoRollback(d.spec)) {
      return beginWindBack(d, r, 'Reverted', describeFailure(failing, d.now), revertEvidence(d, r.revision, failing));
    }
    d.setPhase('Degraded', REASONS.ConditionFailing, `${describeFailure(failing, d.now)}; automatic rollback is off: promote or abort`);
    d.requeue(healthIntervalMs(d.spec));
    return;
  }

  const steps = stepsOf(d.spec);
  const gap = incompleteObservation(d);
  if (gap) {
    applyPromote(d, r, steps);
    return wait(d, r, steps, gap);
  }
  const stableService = serviceOf(d, otherColour(canary));
  const up = ensureServiceUp(d, serviceOf(d, canary), r.revision, replicasFor(d, stableService), canary);
  if (!up.done) return wait(d, r, steps, up);
  pointPreview(d, canary);

  applyPromote(d, r, steps);
  while (r.stepIndex < steps.length) {
    const step = steps[r.stepIndex] as Step;
    const result = runStep(d, r, step);
    if (!result.done) return wait(d, r, steps, result);
    reachStep(d, r, steps);
  }
  const baked = bake(d, r);
  if (!baked.done) return wait(d, r, steps, baked);
  promote(d, r);
}

/** blueGreen's preview listener or rule sends everything to the colour being rolled out, once it is up. */
function pointPreview(d: Draft, canary: Colour): void {
  const preview = d.observed.preview;
  if (!preview) return;
  const groups = targetGroupsOf(d.input.release, d.observed.services);
  const want = (['blue', 'green'] as const)
    .map((c) => ({ targetGroupArn: groups[c] as string, weight: c === canary ? 100 : 0 }))
    .filter((t) => t.targetGroupArn);
  const current = (arn: string): number => preview[arn] ?? 0;
  if (want.every((t) => (t.weight > 0) === current(t.targetGroupArn) > 0)) return;
  d.act({ kind: 'setPreviewWeights', targetGroups: want, reason: `preview the new revision on ${canary}` });
}

/** A person's promote skips the current step; promote --full skips them all, and the bake. */
function applyPromote(d: Draft, r: RolloutProgress, steps: Step[]): void {
  const op = d.take('promoteFull') ?? d.take('promote');
  if (!op) return;
  const by = op.requestedBy ?? 'an operator';
  if (op.kind === 'promoteFull') {
    r.promoteFull = true;
    r.stepIndex = Math.max(r.stepIndex, steps.length - 1);
  } else if (r.stepIndex < steps.length) {
    r.stepIndex += 1;
  }
  r.stepStartedAt = iso(d.now);
  d.status.message = `promoted by ${by}`;
}

function runStep(d: Draft, r: RolloutProgress, step: Step): StageResult {
  const canary = r.colour as Colour;
  if ('setWeight' in step) {
    return ensureWeights(d, r, weightsFor(canary, step.setWeight), `step ${r.stepIndex + 1}: ${step.setWeight}% to ${canary}`);
  }
  // Between weight steps, the weight last reached must still hold (someone may have edited it).
  const held = ensureWeights(d, r, weightsFor(canary, currentWeight(d, r)), 'hold the current step weight');
  if (!held.done) return held;
  const elapsed = d.now - ms(r.stepStartedAt);
  if ('pause' in step) {
    if (!step.pause.duration) {
      if (d.status.phase !== 'Paused') d.emit({ type: 'Paused', toRevision: r.revision, message: 'paused until promoted' });
      return { done: false, message: 'paused until promoted (keelson promote)' };
    }
    const left = parseDuration(step.pause.duration) - elapsed;
    return left > 0 ? holdFor(`pause, ${formatDuration(left)} left`, left) : DONE;
  }
  const length = parseDuration(step.analysis.duration);
  if (elapsed < length) {
    return holdFor(`analysis ${formatDuration(elapsed)} of ${step.analysis.duration}`, length - elapsed);
  }
  const verdict = analysisVerdict(d, step.analysis.conditions);
  // Metrics arrive late: wait for data a while before asking a person to decide.
  if (verdict.verdict === 'inconclusive' && elapsed < length + progressDeadlineMs(d.spec)) {
    return holdFor(`analysis over, waiting for data (${verdict.message})`, healthIntervalMs(d.spec));
  }
  if (verdict.verdict === 'inconclusive') {
    if (d.status.phase !== 'Paused') {
      d.emit({ type: 'Paused', toRevision: r.revision, message: `analysis inconclusive: ${verdict.message}` });
    }
    return { done: false, message: `analysis inconclusive (${verdict.message}): paused until promoted` };
  }
  return DONE;
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

function bake(d: Draft, r: RolloutProgress): StageResult {
  const length = r.fast || r.promoteFull ? 0 : bakeTimeMs(d.spec);
  const elapsed = d.now - ms(r.stepStartedAt);
  if (elapsed >= length) return DONE;
  return holdFor(`baking: 100% on ${r.revision}, watching health ${formatDuration(elapsed)} of ${formatDuration(length)}`, length - elapsed);
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
    startedAt: r.startedAt,
    finishedAt: iso(d.now),
  });
  r.completedAt = iso(d.now);
  r.scaleDownAt = iso(d.now + delay);
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
  const paused = !result.done && result.message.includes('until promoted');
  d.setPhase(paused ? 'Paused' : 'Progressing', paused ? REASONS.RolloutPaused : REASONS.RolloutInProgress, message);
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
  if (r.result !== 'Superseded' && svc && svc.desiredCount > 0) {
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
    const retained = d.status.rollout;
    if (retained?.completedAt && !starting) scaleDownWarmColour(d, retained, idleService);
    else if (!starting && w && w[idle] === 0 && !d.observed.autoscaled[idleService] && (d.observed.services[idleService]?.desiredCount ?? 0) > 0) {
      d.act({ kind: 'updateService', service: idleService, desiredCount: 0, reason: 'the idle colour takes no traffic' });
    }
  }

  if (sameRevision(desired, stableRevision)) {
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
  startRollout(d, desired, stable);
}

/** The old colour goes only after its delay, with weights read back at 0 and the new colour healthy. */
function scaleDownWarmColour(d: Draft, r: RolloutProgress, idleService: string): void {
  const at = ms(r.scaleDownAt);
  if (d.now < at) {
    d.requeue(at - d.now);
    return;
  }
  const idle = otherColour(r.colour as Colour);
  const stableService = serviceOf(d, r.colour as Colour);
  const weightsOff = d.observed.traffic?.weights?.[idle] === 0;
  const up = ensureServiceUp(d, stableService, r.revision, replicasFor(d, stableService), r.colour as Colour);
  if (!weightsOff || !up.done) {
    d.requeue(healthIntervalMs(d.spec));
    return;
  }
  const svc = d.observed.services[idleService];
  if (svc && svc.desiredCount > 0 && !d.observed.autoscaled[idleService]) {
    d.act({ kind: 'updateService', service: idleService, desiredCount: 0, reason: 'scale-down delay over' });
  }
  d.status.rollout = null;
}

function startRollout(d: Draft, desired: string, stable: Colour): void {
  const canary = otherColour(stable);
  const steps = stepsOf(d.spec);
  const warm = isWarm(d, desired, canary);
  const rollout: RolloutProgress = {
    revision: desired,
    fromRevision: d.status.stableRevision ?? null,
    colour: canary,
    generation: d.input.generation,
    startedAt: iso(d.now),
    stepIndex: warm ? steps.length - 1 : 0,
    stepStartedAt: iso(d.now),
    stepReachedAt: null,
    completedAt: null,
    scaleDownAt: null,
    result: null,
    trafficChangeId: null,
    trafficInSyncAt: null,
    fast: warm,
  };
  d.status.rollout = rollout;
  d.status.health = [];
  d.emit({
    type: 'RolloutStarted',
    fromRevision: d.status.stableRevision ?? null,
    toRevision: desired,
    step: { index: rollout.stepIndex, total: steps.length, description: describeStep(steps[rollout.stepIndex]) },
    message: warm
      ? `rolling back to ${desired}: ${canary} is still warm, switching at once`
      : `rollout of ${desired} on ${canary} started (${steps.length} steps)`,
  });
  progressRollout(d, rollout);
}

/** The desired revision was stable recently and its colour still runs it: no need for the steps. */
function isWarm(d: Draft, desired: string, colour: Colour): boolean {
  const retained = d.status.rollout;
  if (!retained?.completedAt || !sameRevision(retained.fromRevision, desired)) return false;
  if (d.now >= ms(retained.scaleDownAt)) return false;
  const svc = d.observed.services[serviceOf(d, colour)];
  return !!svc && sameRevision(svc.taskDefinition, desired) && svc.runningCount > 0 && svc.runningCount >= svc.desiredCount;
}
