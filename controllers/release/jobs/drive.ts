// One job, one pass: start its task (once, by client token), read how it stands, stop it past its
// timeout, and record how it ended. Unknown never passes: a task that could not be read holds.
import { DEFAULTS } from '../../../src/api/defaults.js';
import { formatDuration, parseDuration } from '../../../src/api/duration.js';
import type { JobRun, JobSpec } from '../../../src/api/types.js';
import type { Draft } from '../draft.js';
import { isUnread } from '../observation.js';
import { healthIntervalMs } from '../spec.js';
import { iso, ms } from '../status.js';
import type { Wait } from '../strategies/waits.js';
import { emitJobEvent } from './events.js';
import { addRun, clientTokenFor, latestRun, nextAttempt, unfinished, type RunKey } from './runs.js';

export type JobProgress =
  | { state: 'Succeeded'; run: JobRun }
  | { state: 'Failed'; run: JobRun }
  | { state: 'Waiting'; run: JobRun; wait: Wait };

export interface JobToRun {
  key: RunKey;
  job: JobSpec;
  /** The service whose launch settings the task copies. */
  likeService: string;
  /**
   * preDeploy: a success on this revision in any earlier rollout counts, and a task still running
   * from one is adopted rather than started again; a failure in an earlier rollout runs again.
   */
  oncePerRevision?: boolean;
}

export function driveJob(d: Draft, spec: JobToRun): JobProgress {
  const { key } = spec;
  const earlier = spec.oncePerRevision ? latestRun(d.status, { ...key, rolloutStartedAt: undefined }) : latestRun(d.status, key);
  const reusable = earlier && !earlier.rerun && (earlier.rolloutStartedAt === key.rolloutStartedAt || earlier.state !== 'Failed');
  const run = reusable ? earlier : startRun(d, spec);
  if (run.state === 'Succeeded') return { state: 'Succeeded', run };
  if (run.state === 'Failed') return { state: 'Failed', run };
  return follow(d, spec, run);
}

function startRun(d: Draft, spec: JobToRun): JobRun {
  const attempt = nextAttempt(d.status, spec.key);
  const run: JobRun = {
    name: spec.key.name,
    hook: spec.key.hook,
    kind: 'job',
    revision: spec.key.revision,
    rolloutStartedAt: spec.key.rolloutStartedAt,
    attempt,
    clientToken: clientTokenFor(d.input.release.metadata.name, spec.key, attempt),
    taskArn: null,
    state: 'Starting',
    startedAt: iso(d.now),
  };
  addRun(d.status, run);
  emitJobEvent(d, 'JobStarted', run, `job ${run.name} (${run.hook}) started on ${run.revision}${attempt > 1 ? `, attempt ${attempt}` : ''}`);
  return run;
}

/** A run under way: (re)start its task, or judge what ECS says about it. */
function follow(d: Draft, spec: JobToRun, run: JobRun): JobProgress {
  const timeoutMs = parseDuration(spec.job.timeout ?? DEFAULTS.jobTimeout);
  const elapsed = d.now - ms(run.startedAt);
  const left = Math.max(0, timeoutMs - elapsed);
  const waiting = (message: string, requeueAfter = Math.min(left, healthIntervalMs(d.spec))): JobProgress => ({
    state: 'Waiting',
    run,
    wait: { done: false, waitingOn: 'job', message: `job ${run.name}: ${message}`, requeueAfter },
  });

  if (!run.taskArn) {
    if (elapsed >= timeoutMs) return fail(d, run, `no task started within its timeout of ${formatDuration(timeoutMs)}`);
    // The same client token: if an earlier RunTask did start a task, ECS returns that one.
    d.act({
      kind: 'runJob',
      job: run.name,
      taskDefinition: run.revision,
      container: spec.job.container,
      ...(spec.job.command ? { command: spec.job.command } : {}),
      ...(spec.job.environment ? { environment: spec.job.environment } : {}),
      likeService: spec.likeService,
      clientToken: run.clientToken as string,
      reason: `${run.hook} job ${run.name} for ${run.revision}`,
    });
    return waiting('starting its task', 0);
  }
  if (isUnread(d.observed, 'jobs')) return waiting('its task could not be read (ecs:DescribeTasks); held until it can');
  const seen = d.observed.jobs?.[run.taskArn];
  if (!seen) {
    // ECS is eventually consistent: a task just started may not be described yet.
    if (elapsed >= timeoutMs) return fail(d, run, `ECS does not know task ${run.taskArn} (DescribeTasks)`);
    return waiting(`task ${taskId(run.taskArn)} not described by ECS yet`);
  }
  if (seen.log) run.log = seen.log;
  const task = seen.task;
  if (task.lastStatus === 'STOPPED') {
    const container = task.containers.find((c) => c.name === spec.job.container) ?? task.containers[0];
    const exitCode = container?.exitCode ?? null;
    const expected = spec.job.successExitCode ?? DEFAULTS.jobSuccessExitCode;
    run.exitCode = exitCode;
    if (task.stoppedReason) run.stoppedReason = task.stoppedReason;
    if (exitCode === expected) return succeed(d, run, `exited ${exitCode}`);
    const why = exitCode === null ? 'its container never ran' : `exited ${exitCode} (success is ${expected})`;
    return fail(d, run, `${why}${task.stoppedReason ? `: ${task.stoppedReason}` : ''}`);
  }
  run.state = 'Running';
  if (elapsed >= timeoutMs) {
    d.act({ kind: 'stopJob', job: run.name, taskArn: run.taskArn, reason: `keelson: job ${run.name} ran past its timeout of ${formatDuration(timeoutMs)}` });
    run.timedOut = true;
    return fail(d, run, `still running after its timeout of ${formatDuration(timeoutMs)}: stopped`);
  }
  return waiting(`task ${taskId(run.taskArn)} ${task.lastStatus}, ${formatDuration(elapsed)} of ${formatDuration(timeoutMs)}`);
}

function succeed(d: Draft, run: JobRun, message: string): JobProgress {
  run.state = 'Succeeded';
  run.finishedAt = iso(d.now);
  run.message = message;
  emitJobEvent(d, 'JobSucceeded', run, `job ${run.name} (${run.hook}) on ${run.revision} succeeded: ${message}`);
  return { state: 'Succeeded', run };
}

function fail(d: Draft, run: JobRun, message: string): JobProgress {
  run.state = 'Failed';
  run.finishedAt = iso(d.now);
  run.message = message;
  const where = run.log ? `; logs: ${run.log.group} ${run.log.stream}` : '';
  emitJobEvent(d, 'JobFailed', run, `job ${run.name} (${run.hook}) on ${run.revision} failed: ${message}${where}`);
  return { state: 'Failed', run };
}

export const taskId = (arn: string): string => arn.split('/').pop() ?? arn;

export { unfinished };
