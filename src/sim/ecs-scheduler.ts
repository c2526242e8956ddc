// What ECS does on its own, once per tick: tasks move PROVISIONING → PENDING → RUNNING and
// crash per their profile; the service scheduler replaces tasks within minimumHealthyPercent
// and maximumPercent, stops tasks that fail load-balancer health checks, marks deployments
// COMPLETED, and trips the deployment circuit breaker.

import type { TargetState } from '../cloud/ports.js';
import type { SimContext } from './context.js';
import { shortTd, taskId, type EcsModel, type SimDeployment, type SimService, type SimTask } from './ecs-model.js';

/** What the scheduler needs from the load balancer. */
export interface TargetRegistry {
  targetState(targetGroupArn: string, targetId: string): TargetState | undefined;
  register(targetGroupArn: string, targetId: string, port: number, now: number): void;
  /** Starts deregistration; returns when draining ends. */
  deregister(targetGroupArn: string, targetId: string, now: number): number;
}

/**
 * The documented circuit-breaker threshold: 0.5 × desired count, at least 3 and at most 200
 * (ECS API reference, ServiceDeploymentCircuitBreaker.threshold).
 */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desiredCount)));
}

export const STOP_REASONS = {
  essentialExited: 'Essential container in task exited',
  healthCheck: (tg: string) => `Task failed ELB health checks in (target-group ${tg})`,
  scaling: (deploymentId: string) => `Scaling activity initiated by (deployment ${deploymentId})`,
} as const;

export class EcsScheduler {
  constructor(
    private readonly ctx: SimContext,
    private readonly ecs: EcsModel,
    private readonly targets: TargetRegistry,
  ) {}

  tick(now: number): void {
    for (const svc of this.ecs.services.values()) {
      for (const task of [...svc.tasks]) this.progress(task, now);
    }
    for (const task of [...this.ecs.jobs]) this.progress(task, now);
    for (const svc of this.ecs.services.values()) this.schedule(svc, now);
  }

  isHealthy(svc: SimService, task: SimTask): boolean {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
    return !svc.targetGroupArn || this.targets.targetState(svc.targetGroupArn, task.ip) === 'healthy';
  }

  /** Stops a task the way the service scheduler does: deregister, drain, then STOPPED. */
  stopTask(task: SimTask, reason: string, now: number, stopCode = 'ServiceSchedulerInitiated'): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stoppedReason = reason;
    task.stopCode = stopCode;
    task.stopAt = task.targetGroupArn ? this.targets.deregister(task.targetGroupArn, task.ip, now) : now;
    if (task.lastStatus !== 'RUNNING' || task.stopAt <= now) this.ecs.finishStop(task, now);
  }

  private progress(task: SimTask, now: number): void {
    if (task.desiredStatus === 'STOPPED') {
      if (now >= (task.stopAt ?? now)) this.ecs.finishStop(task, now);
      return;
    }
    if (task.lastStatus === 'PROVISIONING' && now >= task.pendingAt) task.lastStatus = 'PENDING';
    if (task.lastStatus === 'PENDING' && now >= task.runningAt) this.start(task, now);
    if (task.lastStatus === 'RUNNING' && task.exitAt !== undefined && now >= task.exitAt) this.exit(task, now);
  }

  private start(task: SimTask, now: number): void {
    task.lastStatus = 'RUNNING';
    task.startedAt = now;
    const crash = task.profile.crash;
    if (crash) task.exitAt = now + crash.afterMs;
    else if (!task.service) task.exitAt = now + task.profile.job.durationMs;
    const svc = task.service ? this.ecs.findService(task.cluster, task.service) : undefined;
    if (svc?.targetGroupArn) {
      task.targetGroupArn = svc.targetGroupArn;
      this.targets.register(svc.targetGroupArn, task.ip, svc.containerPort, now);
    }
    this.ctx.events.add(now, 'task.started', task.service ?? `${task.cluster} (one-off)`, `${taskId(task.arn)} ${shortTd(task.taskDefinitionArn)}`);
  }

  /** The essential container exited: a crash, or a one-off task finishing. */
  private exit(task: SimTask, now: number): void {
    const crash = task.profile.crash;
    task.exitCode = crash ? crash.exitCode : task.profile.job.exitCode;
    if (crash?.reason) task.containerReason = crash.reason;
    task.desiredStatus = 'STOPPED';
    task.stoppedReason = STOP_REASONS.essentialExited;
    task.stopCode = 'EssentialContainerExited';
    if (task.targetGroupArn) this.targets.deregister(task.targetGroupArn, task.ip, now);
    this.ecs.finishStop(task, now);
    const svc = task.service ? this.ecs.findService(task.cluster, task.service) : undefined;
    if (svc && task.exitCode !== 0) this.recordFailure(svc, task, now);
  }

  private recordFailure(svc: SimService, task: SimTask, now: number): void {
    const deployment = svc.deployments.find((d) => d.id === task.deploymentId);
    if (!deployment) return;
    deployment.failedTasks++;
    deployment.updatedAt = now;
    const breaker = svc.circuitBreaker;
    const threshold = circuitBreakerThreshold(svc.desiredCount);
    if (breaker?.enable && deployment.status === 'PRIMARY' && deployment.rolloutState === 'IN_PROGRESS' && deployment.failedTasks >= threshold) {
      this.tripCircuitBreaker(svc, deployment, threshold, now);
    }
  }

  private tripCircuitBreaker(svc: SimService, failed: SimDeployment, threshold: number, now: number): void {
    failed.rolloutState = 'FAILED';
    failed.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    failed.updatedAt = now;
    this.ctx.events.add(now, 'deployment.failed', svc.name, `${failed.id} ${shortTd(failed.taskDefinitionArn)}: circuit breaker tripped at ${failed.failedTasks} failed tasks (threshold ${threshold})`);
    const target = svc.lastCompleted;
    if (svc.circuitBreaker?.rollback && target) {
      this.ecs.newDeployment(svc, target.taskDefinitionArn, now, `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`);
    }
  }

  private schedule(svc: SimService, now: number): void {
    // A deleted service starts nothing; it is INACTIVE once its last task has stopped.
    if (svc.status) {
      if (svc.status === 'DRAINING' && svc.tasks.length === 0) setServiceStatus(this.ctx, svc, 'INACTIVE', now);
      return;
    }
    const primary = this.ecs.primary(svc);
    const tg = svc.targetGroupArn;
    let failing: SimTask[] | undefined;
    let currentCount = 0;
    for (const task of svc.tasks) {
      if (task.desiredStatus !== 'RUNNING') continue;
      if (tg && task.lastStatus === 'RUNNING' && this.targets.targetState(tg, task.ip) === 'unhealthy') (failing ??= []).push(task);
      else if (task.deploymentId === primary.id) currentCount++;
    }
    for (const task of failing ?? []) {
      this.stopTask(task, STOP_REASONS.healthCheck(tg as string), now);
      this.recordFailure(svc, task, now);
    }
    // Steady: the right number of current tasks, nothing else alive, no rollout to finish.
    if (!failing && currentCount === svc.desiredCount && svc.tasks.length === currentCount && primary.rolloutState !== 'IN_PROGRESS') return;
    const desired = svc.desiredCount;
    const minHealthy = Math.ceil((desired * svc.minimumHealthyPercent) / 100);
    const maxTasks = Math.floor((desired * svc.maximumPercent) / 100);
    const reason = STOP_REASONS.scaling(primary.id);
    const active = svc.tasks.filter((t) => t.desiredStatus === 'RUNNING');
    const current = active.filter((t) => t.deploymentId === primary.id);
    const old = active.filter((t) => t.deploymentId !== primary.id);
    let healthy = active.filter((t) => this.isHealthy(svc, t)).length;

    // Scale in: the newest, least healthy tasks go first.
    const excess = current.length - desired;
    if (excess > 0) {
      const victims = [...current].sort((a, b) => Number(this.isHealthy(svc, a)) - Number(this.isHealthy(svc, b)) || b.createdAt - a.createdAt);
      for (const task of victims.slice(0, excess)) this.stopTask(task, reason, now);
    }
    // Old tasks go while the healthy count stays at or above the minimum; unhealthy ones first.
    old.sort((a, b) => Number(this.isHealthy(svc, a)) - Number(this.isHealthy(svc, b)) || a.createdAt - b.createdAt);
    for (const task of old) {
      const wasHealthy = this.isHealthy(svc, task);
      if (wasHealthy && healthy - 1 < minHealthy) break;
      this.stopTask(task, reason, now);
      if (wasHealthy) healthy--;
    }
    // New tasks up to desired, within maximumPercent (draining tasks still count).
    const room = maxTasks - svc.tasks.length;
    const need = desired - Math.min(desired, current.length);
    const td = this.ecs.taskDefinitions.get(primary.taskDefinitionArn);
    if (td) for (let i = 0; i < Math.min(room, need); i++) this.ecs.createTask(svc.cluster, td, now, { svc, deployment: primary });

    this.completeIfSteady(svc, primary, now);
  }

  private completeIfSteady(svc: SimService, primary: SimDeployment, now: number): void {
    if (primary.rolloutState !== 'IN_PROGRESS') return;
    const own = svc.tasks.filter((t) => t.deploymentId === primary.id);
    const others = svc.tasks.length - own.length;
    const healthy = own.filter((t) => this.isHealthy(svc, t)).length;
    if (others > 0 || healthy < svc.desiredCount || own.length > svc.desiredCount) return;
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = now;
    svc.deployments = [primary];
    svc.lastCompleted = primary;
    this.ctx.events.add(now, 'deployment.completed', svc.name, `${primary.id} ${shortTd(primary.taskDefinitionArn)}`);
  }
}

export function setServiceStatus(ctx: SimContext, svc: SimService, status: 'DRAINING' | 'INACTIVE', now: number): void {
  ctx.events.add(now, 'service.status', svc.name, `${svc.status ?? 'ACTIVE'} -> ${status}`);
  svc.status = status;
}
