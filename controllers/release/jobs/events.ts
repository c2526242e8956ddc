// JobStarted / JobSucceeded / JobFailed: what a person wants to hear about a job.
import type { JobRun } from '../../../src/api/types.js';
import type { RolloutEventJob } from '../../../src/notify/events.js';
import type { Draft } from '../draft.js';

export function emitJobEvent(d: Draft, type: 'JobStarted' | 'JobSucceeded' | 'JobFailed', run: JobRun, message: string): void {
  d.emit({
    type,
    fromRevision: d.status.stableRevision ?? null,
    toRevision: run.revision,
    ...(type === 'JobFailed' && run.message ? { reason: run.message } : {}),
    job: eventJob(run),
    message,
  });
}

export function eventJob(run: JobRun): RolloutEventJob {
  return {
    name: run.name,
    hook: run.hook,
    kind: run.kind,
    attempt: run.attempt,
    ...(run.taskArn ? { taskArn: run.taskArn } : {}),
    ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
    ...(run.stoppedReason ? { stoppedReason: run.stoppedReason } : {}),
    ...(run.timedOut ? { timedOut: true } : {}),
    ...(run.log ? { log: { ...run.log } } : {}),
  };
}
