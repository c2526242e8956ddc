// status.jobs: one record per run of a job or http step, newest first, bounded.
import { createHash } from 'node:crypto';
import { DEFAULTS } from '../../../src/api/defaults.js';
import type { JobHook, JobRun, ReleaseStatus } from '../../../src/api/types.js';
import { sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { ActionOutcome } from '../execute.js';

/** Where a run belongs: the job, the revision and the rollout it ran in. */
export interface RunKey {
  hook: JobHook;
  name: string;
  revision: string;
  rolloutStartedAt: string;
}

/** The newest run of a job on a revision; with `rolloutStartedAt`, in that rollout only. */
export function latestRun(status: ReleaseStatus, key: Omit<RunKey, 'rolloutStartedAt'> & { rolloutStartedAt?: string }): JobRun | undefined {
  return (status.jobs ?? []).find(
    (run) =>
      run.hook === key.hook &&
      run.name === key.name &&
      sameRevision(run.revision, key.revision) &&
      (key.rolloutStartedAt === undefined || run.rolloutStartedAt === key.rolloutStartedAt),
  );
}

/** The attempt a new run of the job on the revision gets. */
export function nextAttempt(status: ReleaseStatus, key: Omit<RunKey, 'rolloutStartedAt'>): number {
  const attempts = (status.jobs ?? []).filter((r) => r.hook === key.hook && r.name === key.name && sameRevision(r.revision, key.revision)).map((r) => r.attempt);
  return Math.max(0, ...attempts) + 1;
}

/**
 * RunTask's client token: the same Release, revision, job, rollout and attempt always give the
 * same token, so a RunTask repeated after a crash finds the task already started. At most 64
 * ASCII characters 33-126, as RunTask requires.
 */
export function clientTokenFor(release: string, key: RunKey, attempt: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([release, key.revision, key.hook, key.name, key.rolloutStartedAt, attempt]))
    .digest('hex');
  return `keelson-${digest.slice(0, 56)}`;
}

export function addRun(status: ReleaseStatus, run: JobRun): void {
  status.jobs = [run, ...(status.jobs ?? [])].slice(0, DEFAULTS.jobRunsLimit);
}

/** A run that has not ended yet (its task is still to be read). */
export const unfinished = (run: JobRun): boolean => run.state === 'Starting' || run.state === 'Running';

/** Runs whose task must be read this pass: under way, or stopped by keelson but not yet seen stopped. */
export function runsToRead(status: ReleaseStatus): JobRun[] {
  return (status.jobs ?? []).filter((r) => r.kind === 'job' && !!r.taskArn && (unfinished(r) || (r.timedOut === true && r.stoppedReason === undefined)));
}

/** After the doing: the task each RunTask started goes into its run, so the next pass reads it. */
export function recordJobOutcomes(status: ReleaseStatus, outcomes: readonly ActionOutcome[]): void {
  for (const o of outcomes) {
    if (o.action.kind !== 'runJob' || !o.taskArn) continue;
    const token = o.action.clientToken;
    const run = (status.jobs ?? []).find((r) => r.clientToken === token);
    if (run && !run.taskArn) {
      run.taskArn = o.taskArn;
      if (run.state === 'Starting') run.state = 'Running';
    }
  }
}

/** A retry asked to run the jobs again: the revision's preDeploy successes no longer count. */
export function forgetPreDeploy(status: ReleaseStatus, revision: string | null | undefined): void {
  if (!revision) return;
  for (const run of status.jobs ?? []) {
    if (run.hook === 'preDeploy' && run.state === 'Succeeded' && sameRevision(run.revision, revision)) run.rerun = true;
  }
}
