// What ECS does on its own, once per tick: tasks move PROVISIONING → PENDING → RUNNING and
// crash per their profile; the service scheduler replaces tasks within minimumHealthyPercent
// and maximumPercent, stops tasks that fail load-balancer health checks, marks deployments
// COMPLETED, and trips the deployment circuit breaker. Deployment alarms and the blue/green
// family of strategies have their own modules (ecs-deployment-alarms.ts, ecs-traffic-shift.ts).

import type { TargetState } from '../cloud/ports.js';
import type { SimContext } from './context.js';
import { DeploymentAlarmWatch, type AlarmLookup } from './ecs-deployment-alarms.js';
import { isTrafficShifting, strategyOf } from './ecs-deployment-config.js';
import { shortTd, taskId, type EcsModel, type SimDeployment, type SimService, type SimTask } from './ecs-model.js';
import { TrafficShiftScheduler, type ListenerWeights } from './ecs-traffic-shift.js';

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

/** What ECS reads and writes beyond target registration: alarms, and listener weights (blue/green family). */
export interface SchedulerLinks {
  alarm: AlarmLookup;
  weights: ListenerWeights;
}

const NO_LINKS: SchedulerLinks = {
  alarm: () => undefined,
  weights: { readWeights: () => [], setWeights: () => 'unchanged', isRule: () => false },
};

export class EcsScheduler {
  private readonly alarms: DeploymentAlarmWatch;
  private readonly shifting: TrafficShiftScheduler;

  constructor(
    private readonly ctx: SimContext,
    private readonly ecs: EcsModel,
    private readonly targets: TargetRegistry,
    links: SchedulerLinks = NO_LINKS,
  ) {
    this.alarms = new DeploymentAlarmWatch(links.alarm);
    const control = {
      isHealthy: (svc: SimService, task: SimTask) => this.isHealthy(svc, task),
      stopTask: (task: SimTask, reason: string, now: number) => this.stopTask(task, reason, now),
      scalingReason: STOP_REASONS.scaling,
    };
    this.shifting = new TrafficShiftScheduler(ctx, ecs, control, links.weights);
  }

  tick(now: number): void {
    for (const svc of this.ecs.services.values()) {
      for (const task of [...svc.tasks]) this.progress(task, now);
    }
    for (const task of [...this.ecs.jobs]) this.progress(task, now);
    for (const svc of this.ecs.services.values()) {
      this.watchAlarms(svc, now);
      this.schedule(svc, now);
    }
  }

  isHealthy(svc: SimService, task: SimTask): boolean {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
    return !task.targetGroupArn || this.targets.targetState(task.targetGroupArn, task.ip) === 'healthy';
  }

  /**
   * Fails a deployment (circuit breaker, deployment alarms). With rollback, the blue/green family
   * sends production traffic back to blue and blue's deployment becomes PRIMARY again; a rolling
   * update starts a deployment of the last COMPLETED task definition. Without rollback the
   * FAILED deployment stays, launching no new tasks.
   */
  failDeployment(svc: SimService, failed: SimDeployment, cause: { by: string; detail: string; reason: string }, rollback: boolean, now: number): void {
    failed.rolloutState = 'FAILED';
    failed.rolloutStateReason = cause.reason;
    failed.updatedAt = now;
    this.ctx.events.add(now, 'deployment.failed', svc.name, `${failed.id} ${shortTd(failed.taskDefinitionArn)}: ${cause.detail}`);
    if (!rollback) return;
    if (failed.shift) {
      this.shifting.shiftBack(svc, failed, now);
      this.ecs.rollBack(svc, failed, cause.by, now);
      return;
    }
    const target = svc.lastCompleted;
    if (!target) return;
    const rollbackDeployment = this.ecs.newDeployment(svc, target.taskDefinitionArn, now, `${cause.by}: rolling back to deploymentId ${target.id}.`);
    rollbackDeployment.rollingBack = true;
  }

  private watchAlarms(svc: SimService, now: number): void {
    const primary = this.ecs.primary(svc);
    if (!this.alarms.watches(primary)) return;
    const firing = this.alarms.firing(primary);
    if (firing.length === 0) return;
    const names = firing.join(', ');
    this.failDeployment(
      svc,
      primary,
      { by: 'ECS deployment alarms', detail: `deployment alarm(s) in ALARM: ${names}`, reason: `ECS deployment ${primary.id} failed: alarm(s) in ALARM: ${names}.` },
      primary.settings.alarms?.rollback === true,
      now,
    );
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
    const deployment = svc?.deployments.find((d) => d.id === task.deploymentId);
    if (deployment) deployment.firstRunningAt ??= now;
    // A task registers in its deployment's target group (blue/green family: green's own).
    const tg = deployment?.targetGroupArn ?? svc?.targetGroupArn;
    if (svc && tg) {
      task.targetGroupArn = tg;
      this.targets.register(tg, task.ip, svc.containerPort, now);
    }
    this.ctx.events.add(now, 'task.started', task.service ?? `${task.cluster} (one-off)`, `${taskId(task.arn)} ${shortTd(task.taskDefinitionArn)}`);
  }

  /** The essential container exited: a crash, or a one-off task finishing. */
  private exit(task: SimTask, now: number): void {
    const crash = task.profile.crash;
    task.exitCode = crash ? crash.exitCode : task.profile.job.exitCode;
    if (crash?.reason) task.containerReason = crash.reason;
    task.desiredStatus = 'STOPPED';
    task.stoppedReason = (!crash && !task.service ? task.profile.job.stoppedReason : undefined) ?? STOP_REASONS.essentialExited;
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
    const cause = {
      by: 'ECS deployment circuit breaker',
      detail: `circuit breaker tripped at ${failed.failedTasks} failed tasks (threshold ${threshold})`,
      reason: 'ECS deployment circuit breaker: tasks failed to start.',
    };
    this.failDeployment(svc, failed, cause, svc.circuitBreaker?.rollback === true, now);
  }

  private schedule(svc: SimService, now: number): void {
    // A deleted service starts nothing; it is INACTIVE once its last task has stopped.
    if (svc.status) {
      if (svc.status === 'DRAINING' && svc.tasks.length === 0) setServiceStatus(this.ctx, svc, 'INACTIVE', now);
      return;
    }
    let primary = this.ecs.primary(svc);
    let failing: SimTask[] | undefined;
    let currentCount = 0;
    for (const task of svc.tasks) {
      if (task.desiredStatus !== 'RUNNING') continue;
      const tg = task.targetGroupArn;
      if (tg && task.lastStatus === 'RUNNING' && this.targets.targetState(tg, task.ip) === 'unhealthy') (failing ??= []).push(task);
      else if (task.deploymentId === primary.id) currentCount++;
    }
    for (const task of failing ?? []) {
      this.stopTask(task, STOP_REASONS.healthCheck(task.targetGroupArn as string), now);
      this.recordFailure(svc, task, now);
    }
    // A failure may have rolled back to another deployment.
    if (primary !== this.ecs.primary(svc)) {
      primary = this.ecs.primary(svc);
      currentCount = svc.tasks.filter((t) => t.deploymentId === primary.id && t.desiredStatus === 'RUNNING').length;
    }
    // A FAILED deployment launches no new tasks (deployment-alarm-failure page): it stays as it is.
    if (primary.rolloutState === 'FAILED') return;
    if (primary.rolloutState === 'IN_PROGRESS' && !primary.rollingBack && svc.advanced && isTrafficShifting(strategyOf(primary.settings))) {
      if (!primary.shift) this.shifting.begin(svc, primary, now);
      this.shifting.schedule(svc, primary, now);
      return;
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
    if (this.alarms.holdsCompletion(primary, now)) return;
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
