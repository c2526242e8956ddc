// The doing of job actions: RunTask with the job's overrides and client token, StopTask.
import type { Release } from '../../../src/api/types.js';
import type { CloudPorts } from '../../../src/cloud/ports.js';
import type { Action } from '../actions.js';
import type { ActionOutcome } from '../execute.js';

/** Shown as the task's "Started by": which Release ran it. */
export const startedByOf = (release: Release): string => `keelson/${release.metadata.name}`.slice(0, 128);

export async function performJobAction(
  release: Release,
  action: Extract<Action, { kind: 'runJob' | 'stopJob' }>,
  ports: CloudPorts,
): Promise<ActionOutcome> {
  if (action.kind === 'stopJob') {
    return { action, result: await ports.ecs.stopTask(release.spec.cluster, action.taskArn, action.reason) };
  }
  const override = {
    name: action.container,
    ...(action.command ? { command: action.command } : {}),
    ...(action.environment ? { environment: action.environment } : {}),
  };
  const { taskArn } = await ports.ecs.runTask({
    cluster: release.spec.cluster,
    taskDefinition: action.taskDefinition,
    overrides: [override],
    likeService: action.likeService,
    clientToken: action.clientToken,
    startedBy: startedByOf(release),
  });
  return { action, result: 'updated', taskArn };
}
