// Jobs and http checks as gates of a rollout: preDeploy before the new revision starts, job and
// http steps among the canary steps. Each holds forward progress only; a failure ends the rollout
// through the strategy's own wind-back (a revert is never held by a gate).
import { DEFAULTS } from '../../../src/api/defaults.js';
import { parseDuration } from '../../../src/api/duration.js';
import type { HttpStep, JobRun, JobStep, RevertEvidence, RolloutProgress } from '../../../src/api/types.js';
import { sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { healthIntervalMs } from '../spec.js';
import { iso, ms } from '../status.js';
import { DONE, type StageResult } from '../strategies/waits.js';
import { driveJob } from './drive.js';
import { emitJobEvent } from './events.js';
import { addRun, latestRun, nextAttempt } from './runs.js';

/** An http step not probed yet (the pass that reached it): probed at the next pass, a second later. */
const FIRST_PROBE_MS = 1_000;

/** preDeploy jobs, in order, before the new revision starts. A fast switch back to a warm colour runs none. */
export function preDeploy(d: Draft, r: RolloutProgress, likeService: string): StageResult {
  if (r.fast) return DONE;
  for (const hook of d.spec.hooks?.preDeploy ?? []) {
    const key = { hook: 'preDeploy' as const, name: hook.name, revision: r.revision, rolloutStartedAt: r.startedAt };
    const progress = driveJob(d, { key, job: hook.job, likeService, oncePerRevision: true });
    if (progress.state === 'Succeeded') continue;
    return progress.state === 'Failed' ? endsTheRollout(progress.run) : progress.wait;
  }
  return DONE;
}

/** A job or http step at its place among the steps. */
export function gateStep(d: Draft, r: RolloutProgress, step: JobStep | HttpStep, likeService: string): StageResult {
  if ('http' in step) return httpStep(d, r, step);
  const key = { hook: 'step' as const, name: step.job.name, revision: r.revision, rolloutStartedAt: r.startedAt };
  const progress = driveJob(d, { key, job: step.job, likeService });
  if (progress.state === 'Succeeded') return DONE;
  return progress.state === 'Failed' ? endsTheRollout(progress.run) : progress.wait;
}

/** The failed job or http step of this rollout, if any: the strategy winds the rollout back. */
export function failedJob(d: Draft, r: RolloutProgress): { reason: string; evidence: RevertEvidence } | undefined {
  const run = (d.status.jobs ?? []).find(
    (j) => j.state === 'Failed' && j.hook !== 'postPromote' && j.rolloutStartedAt === r.startedAt && sameRevision(j.revision, r.revision),
  );
  if (!run) return undefined;
  const what = run.kind === 'http' ? `http step ${run.name}` : `${run.hook === 'preDeploy' ? 'preDeploy job' : 'job step'} ${run.name}`;
  const reason = `${what} failed: ${run.message ?? 'failed'}${run.log ? ` (logs: ${run.log.group} ${run.log.stream})` : ''}`;
  return {
    reason,
    evidence: {
      revision: run.revision,
      condition: run.name,
      ...(run.kind === 'job' ? { value: run.exitCode ?? null } : { value: run.statusCode ?? null }),
      failingSince: run.failingSince ?? run.finishedAt ?? iso(d.now),
      revertedAt: iso(d.now),
      job: structuredClone(run),
    },
  };
}

/** A failure found this pass: the next pass (at once) winds the rollout back. */
function endsTheRollout(run: JobRun): StageResult {
  return { done: false, waitingOn: 'job', message: `${run.kind === 'http' ? 'http step' : 'job'} ${run.name} failed: ${run.message ?? ''}`, requeueAfter: 0 };
}

function httpStep(d: Draft, r: RolloutProgress, step: HttpStep): StageResult {
  const check = step.http;
  const key = { hook: 'step' as const, name: check.name, revision: r.revision, rolloutStartedAt: r.startedAt };
  let run = latestRun(d.status, key);
  if (!run) {
    run = { name: check.name, hook: 'step', kind: 'http', revision: r.revision, rolloutStartedAt: r.startedAt, attempt: nextAttempt(d.status, key), state: 'Running', startedAt: iso(d.now) };
    addRun(d.status, run);
  }
  if (run.state === 'Succeeded') return DONE;
  if (run.state === 'Failed') return endsTheRollout(run);
  const probe = d.observed.httpStep;
  if (!probe || probe.stepIndex !== r.stepIndex || probe.name !== check.name) {
    return { done: false, waitingOn: 'data', message: `http ${check.name}: probing ${check.url}`, requeueAfter: FIRST_PROBE_MS, waitingSince: ms(r.stepStartedAt) };
  }
  run.statusCode = probe.statusCode;
  run.message = probe.message;
  if (probe.outcome === 'pass') {
    run.state = 'Succeeded';
    run.finishedAt = iso(d.now);
    delete run.failingSince;
    emitJobEvent(d, 'JobSucceeded', run, `http step ${run.name} on ${run.revision} passed: ${probe.message}`);
    return DONE;
  }
  const interval = healthIntervalMs(d.spec);
  if (probe.outcome === 'nodata') {
    // The probe itself could not be made: unknown, which holds and never passes.
    return { done: false, waitingOn: 'data', message: `http ${check.name}: ${probe.message}`, requeueAfter: interval, waitingSince: ms(r.stepStartedAt), noData: true };
  }
  run.failingSince ??= iso(probe.at);
  const failFor = parseDuration(check.failFor ?? DEFAULTS.httpStepFailFor);
  const failing = d.now - ms(run.failingSince);
  if (failing >= failFor) {
    run.state = 'Failed';
    run.finishedAt = iso(d.now);
    emitJobEvent(d, 'JobFailed', run, `http step ${run.name} on ${run.revision} failed: ${probe.message}`);
    return endsTheRollout(run);
  }
  return { done: false, waitingOn: 'data', message: `http ${check.name}: ${probe.message}`, requeueAfter: Math.min(interval, failFor - failing), waitingSince: ms(r.stepStartedAt) };
}
