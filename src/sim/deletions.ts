// Deleting what keelson relies on, as a person (or a clean-up script) would: an ECS service and
// an ELB target group. Each refuses what AWS refuses and otherwise does what AWS documents.

import { CloudError } from '../cloud/errors.js';
import { targetGroupName } from './arns.js';
import { setServiceStatus, STOP_REASONS } from './ecs-scheduler.js';
import type { SimState } from './state.js';

/**
 * ECS DeleteService: refused (InvalidParameterException) while the service is scaled above
 * zero unless forced; otherwise the service goes DRAINING with desiredCount 0, its tasks are
 * stopped (deregistered, drained, STOPPED) and it is INACTIVE once none is left. DRAINING and
 * INACTIVE services are still described. A service that is no longer ACTIVE is not found.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
 */
export function deleteService(state: SimState, cluster: string, service: string, now: number, force = false): void {
  const svc = state.ecs.service(cluster, service);
  if (svc.status) throw new CloudError('NotFound', `Service ${svc.name} is already ${svc.status}`, { service: 'ecs', operation: 'DeleteService', awsCode: 'ServiceNotFoundException' });
  if (svc.desiredCount > 0 && !force) {
    throw new CloudError('Invalid', `The service ${svc.name} cannot be deleted while it is scaled above 0 (desiredCount ${svc.desiredCount}); scale it to 0 or force it`, {
      service: 'ecs',
      operation: 'DeleteService',
      awsCode: 'InvalidParameterException',
    });
  }
  if (svc.desiredCount > 0) {
    state.ctx.events.add(now, 'service.scaled', svc.name, `desiredCount ${svc.desiredCount} -> 0 (DeleteService --force)`);
    svc.desiredCount = 0;
  }
  for (const d of svc.deployments) d.desiredCount = 0;
  setServiceStatus(state.ctx, svc, 'DRAINING', now);
  const reason = STOP_REASONS.scaling(state.ecs.primary(svc).id);
  for (const task of [...svc.tasks]) state.scheduler.stopTask(task, reason, now);
  if (svc.tasks.length === 0) setServiceStatus(state.ctx, svc, 'INACTIVE', now);
}

/**
 * ELB DeleteTargetGroup: refused (ResourceInUse) while any listener or rule forwards to it, at
 * any weight. Otherwise it is gone with its health checks; its targets keep running (tasks are
 * not stopped). Its documented errors are only ResourceInUse, so a target group already gone
 * changes nothing.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html
 */
export function deleteTargetGroup(state: SimState, targetGroupArn: string, now: number): void {
  const elb = state.elb;
  if (!elb.targetGroups.has(targetGroupArn)) return;
  const users = [...elb.listeners.values(), ...elb.rules.values()].filter((f) => f.weights.some((w) => w.targetGroupArn === targetGroupArn));
  if (users.length > 0) {
    throw new CloudError('Conflict', `Target group '${targetGroupArn}' is currently in use by a listener or a rule (${users.map((u) => u.arn).join(', ')})`, {
      service: 'elbv2',
      operation: 'DeleteTargetGroup',
      awsCode: 'ResourceInUse',
    });
  }
  elb.targetGroups.delete(targetGroupArn);
  state.ctx.events.add(now, 'targetGroup.deleted', targetGroupName(targetGroupArn), targetGroupArn);
}
