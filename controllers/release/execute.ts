// execute(): performs the planned actions in order through the ports, stopping at the first failure.
import type { Release } from '../../src/api/types.js';
import type { CloudPorts, WriteResult } from '../../src/cloud/ports.js';
import type { Action } from './actions.js';
import { trafficOf } from './spec.js';
import { previewOf } from './traffic/preview.js';
import { routerFor } from './traffic/router.js';
import { performJobAction } from './jobs/perform.js';

export interface ActionOutcome {
  action: Action;
  result: WriteResult;
  /** Route53: the change carrying the new weights. */
  changeId?: string;
  /** runJob: the task RunTask started (or found again by its client token). */
  taskArn?: string;
}

export class ActionFailedError extends Error {
  override readonly name = 'ActionFailedError';
  readonly code = 'ActionFailed';
  constructor(
    readonly action: Action,
    readonly done: ActionOutcome[],
    override readonly cause: unknown,
  ) {
    super(`${action.kind} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export async function execute(release: Release, actions: readonly Action[], ports: CloudPorts): Promise<ActionOutcome[]> {
  const done: ActionOutcome[] = [];
  for (const action of actions) {
    try {
      done.push(await perform(release, action, ports));
    } catch (err) {
      throw new ActionFailedError(action, done, err);
    }
  }
  return done;
}

async function perform(release: Release, action: Action, ports: CloudPorts): Promise<ActionOutcome> {
  switch (action.kind) {
    case 'updateService': {
      await ports.ecs.updateService({
        cluster: release.spec.cluster,
        service: action.service,
        ...(action.taskDefinition ? { taskDefinition: action.taskDefinition } : {}),
        ...(action.desiredCount !== undefined ? { desiredCount: action.desiredCount } : {}),
        ...(action.forceNewDeployment ? { forceNewDeployment: true } : {}),
      });
      return { action, result: 'updated' };
    }
    case 'runJob':
    case 'stopJob':
      return performJobAction(release, action, ports);
    case 'setPreviewWeights': {
      const ref = previewOf(release);
      if (!ref) throw new Error('setPreviewWeights on a Release without a preview');
      return { action, result: await ports.lb.setWeights(ref, action.targetGroups) };
    }
    case 'setWeights': {
      const traffic = trafficOf(release.spec);
      if (!traffic) throw new Error('setWeights on a Release without traffic routing');
      const { result, changeId } = await routerFor(traffic).setWeights(ports, action.weights);
      return { action, result, ...(changeId ? { changeId } : {}) };
    }
  }
}
