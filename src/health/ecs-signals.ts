// The always-on ECS signal, condition `ecs-tasks`: the new revision's deployment failed, or
// its tasks keep stopping with errors (a crash loop). Pure: it reads what the reconciler has
// already observed (the canary service and its recently stopped tasks).
import type { HealthConditionBase } from '../api/types.js';
import { familyRevision, sameRevision } from '../cloud/task-definition-ref.js';
import type { EcsService, EcsTask } from '../cloud/ports.js';
import { HEALTH_LIMITS } from './limits.js';
import { failed, noData, passed, type Measurement, type StoppedTaskEvidence } from './measurement.js';

/**
 * The built-in condition. The signal already counts failures over the whole rollout, so it
 * needs no further failFor: it fails on the check that sees the Nth stopped task.
 */
export const ECS_TASKS_CONDITION: Pick<HealthConditionBase, 'name' | 'failFor'> = { name: 'ecs-tasks', failFor: '0s' };

export interface EcsTasksObservation {
  /** The service running the new revision (the canary colour; the one service when rolling). */
  service: EcsService;
  /** Its recently stopped tasks, of any revision. */
  stoppedTasks: readonly EcsTask[];
  /** The revision being rolled out: task definition ARN or `family:revision`. */
  revision: string;
  /** Epoch ms the rollout started; tasks that stopped earlier (a previous attempt) do not count. */
  rolloutStartedAt: number;
}

/**
 * A task stopped because of the revision, not because the scheduler or a person stopped it:
 * it failed to start, or an essential container exited non-zero. Tasks stopped by scale-in or
 * replacement (ServiceSchedulerInitiated, UserInitiated, Spot) exit 137/143 and do not count.
 */
export function stoppedWithError(task: EcsTask): boolean {
  if (task.stopCode === 'TaskFailedToStart') return true;
  if (task.stopCode !== undefined && task.stopCode !== 'EssentialContainerExited') return false;
  return task.containers.some((c) => c.exitCode !== undefined && c.exitCode !== null && c.exitCode !== 0);
}

export function measureEcsTasks(
  observed: EcsTasksObservation,
  now: number,
  stoppedTasksToFail: number = HEALTH_LIMITS.ecsStoppedTasksToFail,
): Measurement {
  const revision = familyRevision(observed.revision) ?? observed.revision;
  const base = { name: ECS_TASKS_CONDITION.name, threshold: `< ${stoppedTasksToFail} tasks stopped with errors`, at: now };
  const crashed = observed.stoppedTasks.filter(
    (t) => sameRevision(t.taskDefinition, revision) && (t.stoppedAt ?? t.startedAt ?? -Infinity) >= observed.rolloutStartedAt && stoppedWithError(t),
  );
  const evidence = crashed.slice(0, HEALTH_LIMITS.stoppedTasksInEvidence).map(stoppedTaskEvidence);
  const deployment = observed.service.deployments.find((d) => sameRevision(d.taskDefinition, revision));
  const tasksText = `${crashed.length} ${crashed.length === 1 ? 'task' : 'tasks'} of ${revision} stopped with errors`;
  if (deployment?.rolloutState === 'FAILED') {
    const why = deployment.rolloutStateReason ? `: ${deployment.rolloutStateReason}` : '';
    return { ...failed(base, crashed.length, `the deployment of ${revision} failed${why}`), stoppedTasks: evidence };
  }
  if (crashed.length >= stoppedTasksToFail) {
    return { ...failed(base, crashed.length, `${tasksText}: ${reasons(crashed)}`), stoppedTasks: evidence };
  }
  if (!deployment) return noData(base, `no deployment of ${revision} on ${observed.service.name} yet`);
  const measurement = passed(base, crashed.length, tasksText);
  return evidence.length > 0 ? { ...measurement, stoppedTasks: evidence } : measurement;
}

const failedExit = (exitCode: number | null | undefined): exitCode is number => exitCode !== undefined && exitCode !== null && exitCode !== 0;

/**
 * A stopped task as revert evidence: the task's stoppedReason, the essential exit code, and
 * each container that stopped with a reason or an error, since the container's reason
 * (`OutOfMemoryError: Container killed due to memory usage`) is often the real answer.
 */
export function stoppedTaskEvidence(task: EcsTask): StoppedTaskEvidence {
  const exited = task.containers.find((c) => failedExit(c.exitCode));
  const containers = task.containers
    .filter((c) => c.reason !== undefined || failedExit(c.exitCode))
    .map((c) => ({ name: c.name, ...(c.reason !== undefined ? { reason: c.reason } : {}), exitCode: c.exitCode ?? null }));
  return {
    taskArn: task.arn,
    ...(task.stoppedReason !== undefined ? { stoppedReason: task.stoppedReason } : {}),
    exitCode: exited?.exitCode ?? null,
    ...(containers.length > 0 ? { containers } : {}),
  };
}

/**
 * The distinct reasons, most frequent first: `Essential container in task exited (exit 1) ×3`,
 * with the failed container's own reason when ECS gives one (`exit 137: OutOfMemoryError: …`).
 */
function reasons(tasks: readonly EcsTask[]): string {
  const counts = new Map<string, number>();
  for (const task of tasks) {
    const exited = task.containers.find((c) => failedExit(c.exitCode));
    const why = exited?.reason ?? task.containers.find((c) => c.reason !== undefined)?.reason;
    const detail = [exited ? `exit ${exited.exitCode}` : undefined, why].filter(Boolean).join(': ');
    const text = `${task.stoppedReason ?? task.stopCode ?? 'stopped'}${detail ? ` (${detail})` : ''}`;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([text, n]) => (n > 1 ? `${text} ×${n}` : text))
    .join('; ');
}
