// After the strategy's decision: postPromote jobs of the revision just promoted, and tasks keelson
// stopped past their timeout, watched until ECS shows them stopped. Neither ever reverts anything.
import type { JobRun } from '../../../src/api/types.js';
import { sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { isUnread } from '../observation.js';
import { servicesOf, twoColour } from '../spec.js';
import { iso } from '../status.js';
import { driveJob } from './drive.js';

export function planJobsAfterStrategy(d: Draft): void {
  postPromote(d);
  finishStopping(d);
}

/** postPromote jobs run in order once a revision is promoted; the first failure ends the chain, visibly. */
function postPromote(d: Draft): void {
  const hooks = d.spec.hooks?.postPromote ?? [];
  const promoted = d.status.history?.[0];
  if (hooks.length === 0 || !promoted || promoted.result !== 'Promoted') return;
  const ours = (r: JobRun): boolean => r.hook === 'postPromote' && r.rolloutStartedAt === promoted.startedAt && sameRevision(r.revision, promoted.revision);
  const promotedNow = !!d.input.status.rollout && !d.status.rollout && promoted.finishedAt === iso(d.now);
  if (!promotedNow && !(d.status.jobs ?? []).some(ours)) return;
  const likeService = serviceRunning(d);
  if (!likeService) return;
  for (const hook of hooks) {
    const key = { hook: 'postPromote' as const, name: hook.name, revision: promoted.revision, rolloutStartedAt: promoted.startedAt };
    const progress = driveJob(d, { key, job: hook.job, likeService });
    if (progress.state === 'Succeeded') continue;
    if (progress.state === 'Waiting' && progress.wait.requeueAfter !== undefined) d.requeue(progress.wait.requeueAfter);
    return;
  }
}

/** The service that runs the stable revision: its launch settings are the job's. */
function serviceRunning(d: Draft): string | undefined {
  const tc = twoColour(d.spec);
  if (tc) return d.status.stableColour ? tc.services[d.status.stableColour] : undefined;
  return servicesOf(d.spec)[0];
}

/** A task stopped for running past its timeout is asked again until ECS shows it stopped. */
function finishStopping(d: Draft): void {
  if (isUnread(d.observed, 'jobs')) return;
  for (const run of d.status.jobs ?? []) {
    if (run.state !== 'Failed' || !run.timedOut || !run.taskArn || run.stoppedReason !== undefined) continue;
    const task = d.observed.jobs?.[run.taskArn]?.task;
    if (!task) continue;
    if (task.lastStatus === 'STOPPED') {
      if (task.stoppedReason) run.stoppedReason = task.stoppedReason;
      run.exitCode = task.containers[0]?.exitCode ?? null;
    } else if (task.desiredStatus !== 'STOPPED' && !d.actions.some((a) => a.kind === 'stopJob' && a.taskArn === run.taskArn)) {
      d.act({ kind: 'stopJob', job: run.name, taskArn: run.taskArn, reason: `keelson: job ${run.name} ran past its timeout` });
    }
  }
}
