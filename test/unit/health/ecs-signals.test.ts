import { describe, expect, it } from 'vitest';
import type { EcsDeployment, EcsService, EcsTask } from '../../../src/cloud/ports.js';
import { ECS_TASKS_CONDITION, measureEcsTasks, stoppedWithError } from '../../../src/health/ecs-signals.js';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/aep-backend-prod';
const STARTED = Date.parse('2026-01-01T10:00:00Z');
const NOW = STARTED + 10 * 60_000;

function deployment(rev: number, extra: Partial<EcsDeployment> = {}): EcsDeployment {
  return {
    id: `ecs-svc/${rev}`,
    status: rev === 13 ? 'PRIMARY' : 'ACTIVE',
    taskDefinition: `${TD}:${rev}`,
    desiredCount: 2,
    runningCount: 0,
    pendingCount: 2,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    createdAt: STARTED,
    updatedAt: STARTED,
    ...extra,
  };
}

function service(deployments: EcsDeployment[]): EcsService {
  return {
    arn: 'arn:aws:ecs:us-east-1:123456789012:service/aep-prod/aep-backend-green',
    name: 'aep-backend-green',
    cluster: 'aep-prod',
    status: 'ACTIVE',
    taskDefinition: `${TD}:13`,
    desiredCount: 2,
    runningCount: 0,
    pendingCount: 2,
    deployments,
    loadBalancers: [],
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  };
}

let seq = 0;
function stopped(rev: number, minutesAfterStart: number, extra: Partial<EcsTask> = {}): EcsTask {
  seq++;
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task/aep-prod/${seq.toString(16).padStart(32, '0')}`,
    taskDefinition: `${TD}:${rev}`,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    startedAt: STARTED + minutesAfterStart * 60_000 - 20_000,
    stoppedAt: STARTED + minutesAfterStart * 60_000,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'backend', exitCode: 1 }],
    ...extra,
  };
}

describe('stopped with an error', () => {
  it.each<[string, Partial<EcsTask>, boolean]>([
    ['an essential container exited non-zero', {}, true],
    ['the task failed to start', { stopCode: 'TaskFailedToStart', containers: [{ name: 'backend' }], stoppedReason: 'CannotPullContainerError' }, true],
    ['an essential container exited 0', { containers: [{ name: 'backend', exitCode: 0 }] }, false],
    ['the scheduler stopped it (scale-in, exit 143)', { stopCode: 'ServiceSchedulerInitiated', containers: [{ name: 'backend', exitCode: 143 }] }, false],
    ['a person stopped it', { stopCode: 'UserInitiated', containers: [{ name: 'backend', exitCode: 137 }] }, false],
    ['no stop code but a non-zero exit', { stopCode: undefined }, true],
  ])('%s → %s', (_case, extra, expected) => {
    expect(stoppedWithError(stopped(13, 1, extra))).toBe(expected);
  });
});

describe('ecs-tasks signal', () => {
  it('is a built-in condition named ecs-tasks that fails without waiting further', () => {
    expect(ECS_TASKS_CONDITION).toEqual({ name: 'ecs-tasks', failFor: '0s' });
  });

  it('fails at the third crashed task of the new revision since the rollout began, with the tasks as evidence', () => {
    const tasks = [stopped(13, 3), stopped(13, 2), stopped(13, 1, { containers: [{ name: 'log-router', exitCode: 0 }, { name: 'backend', exitCode: 2 }] })];
    const twoCrashes = measureEcsTasks({ service: service([deployment(13), deployment(12)]), stoppedTasks: tasks.slice(0, 2), revision: 'aep-backend-prod:13', rolloutStartedAt: STARTED }, NOW);
    const threeCrashes = measureEcsTasks({ service: service([deployment(13), deployment(12)]), stoppedTasks: tasks, revision: 'aep-backend-prod:13', rolloutStartedAt: STARTED }, NOW);
    expect(twoCrashes).toMatchObject({ outcome: 'pass', value: 2, message: '2 tasks of aep-backend-prod:13 stopped with errors' });
    expect(threeCrashes).toMatchObject({
      name: 'ecs-tasks',
      outcome: 'fail',
      value: 3,
      threshold: '< 3 tasks stopped with errors',
      message: '3 tasks of aep-backend-prod:13 stopped with errors: Essential container in task exited (exit 1) ×2; Essential container in task exited (exit 2)',
      at: NOW,
    });
    expect(threeCrashes.stoppedTasks).toEqual(
      tasks.map((t, i) => ({
        taskArn: t.arn,
        stoppedReason: 'Essential container in task exited',
        exitCode: i === 2 ? 2 : 1,
        containers: [{ name: 'backend', exitCode: i === 2 ? 2 : 1 }],
      })),
    );
  });

  it("names each container's own reason beside the task's, in the evidence and the message", () => {
    const oom = 'OutOfMemoryError: Container killed due to memory usage';
    const containers = [{ name: 'log-router', exitCode: 0 }, { name: 'backend', exitCode: 137, reason: oom }];
    const tasks = [stopped(13, 3, { containers }), stopped(13, 2, { containers }), stopped(13, 1, { containers })];
    const m = measureEcsTasks({ service: service([deployment(13)]), stoppedTasks: tasks, revision: 'aep-backend-prod:13', rolloutStartedAt: STARTED }, NOW);
    expect(m.message).toBe(`3 tasks of aep-backend-prod:13 stopped with errors: Essential container in task exited (exit 137: ${oom}) ×3`);
    expect(m.stoppedTasks?.[0]).toEqual({
      taskArn: tasks[0]?.arn,
      stoppedReason: 'Essential container in task exited',
      exitCode: 137,
      containers: [{ name: 'backend', reason: oom, exitCode: 137 }],
    });
  });

  it('ignores tasks of other revisions, tasks stopped before the rollout, and tasks stopped by the scheduler', () => {
    const tasks = [
      stopped(12, 2),
      stopped(13, -5),
      stopped(13, 4, { stopCode: 'ServiceSchedulerInitiated', containers: [{ name: 'backend', exitCode: 143 }] }),
      stopped(13, 5),
    ];
    const m = measureEcsTasks({ service: service([deployment(13)]), stoppedTasks: tasks, revision: `${TD}:13`, rolloutStartedAt: STARTED }, NOW);
    expect(m).toMatchObject({ outcome: 'pass', value: 1 });
    expect(m.stoppedTasks?.map((t) => t.taskArn)).toEqual([tasks[3]?.arn]);
  });

  it('fails when the deployment of the new revision is FAILED, giving ECS reason', () => {
    const failedDeployment = deployment(13, { rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
    const m = measureEcsTasks({ service: service([failedDeployment]), stoppedTasks: [stopped(13, 1, { stopCode: 'TaskFailedToStart', containers: [] })], revision: 'aep-backend-prod:13', rolloutStartedAt: STARTED }, NOW);
    expect(m).toMatchObject({
      outcome: 'fail',
      value: 1,
      message: 'the deployment of aep-backend-prod:13 failed: ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(m.stoppedTasks).toHaveLength(1);
  });

  it('is nodata before the service has a deployment of the revision', () => {
    const m = measureEcsTasks({ service: service([deployment(12)]), stoppedTasks: [], revision: 'aep-backend-prod:13', rolloutStartedAt: STARTED }, NOW);
    expect(m).toMatchObject({ outcome: 'nodata', message: 'no deployment of aep-backend-prod:13 on aep-backend-green yet' });
  });

  it('takes the number of crashes to fail on from its caller', () => {
    const m = measureEcsTasks({ service: service([deployment(13)]), stoppedTasks: [stopped(13, 1)], revision: 'aep-backend-prod:13', rolloutStartedAt: STARTED }, NOW, 1);
    expect(m.outcome).toBe('fail');
  });
});
