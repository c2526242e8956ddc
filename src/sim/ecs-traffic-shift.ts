// The blue/green family of ECS deployment strategies (BLUE_GREEN, CANARY, LINEAR): green's tasks
// start beside blue's in the target group production does not use; once they are all healthy,
// ECS points the test listener rule at green, then moves the production listener rule's weights
// (all at once, canary then the rest, or equal steps), keeps blue for bakeTimeInMinutes, and
// then scales blue to zero. A failure (alarm, circuit breaker) with rollback sends production
// traffic back to blue. The weight writes are ECS's own, logged as `(ECS)`.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-linear.html

import type { ForwardRef, TargetGroupWeight, WriteResult } from '../cloud/ports.js';
import type { SimContext } from './context.js';
import { bakeTimeMs, shiftWeights, trafficPlan } from './ecs-deployment-config.js';
import { shortTd, type EcsModel, type LifecycleStage, type SimDeployment, type SimService, type SimTask } from './ecs-model.js';

/** The listener weights ECS writes. */
export interface ListenerWeights {
  readWeights(ref: ForwardRef): TargetGroupWeight[];
  setWeights(ref: ForwardRef, weights: readonly TargetGroupWeight[], now: number, by?: string): WriteResult;
  isRule(arn: string): boolean;
}

/** What the traffic shift needs from the service scheduler. */
export interface TaskControl {
  isHealthy(svc: SimService, task: SimTask): boolean;
  stopTask(task: SimTask, reason: string, now: number): void;
  scalingReason(deploymentId: string): string;
}

const BY = 'ECS';

export class TrafficShiftScheduler {
  constructor(
    private readonly ctx: SimContext,
    private readonly ecs: EcsModel,
    private readonly tasks: TaskControl,
    private readonly weights: ListenerWeights,
  ) {}

  /** The shift a new PRIMARY deployment of a blue/green-family service starts with. */
  begin(svc: SimService, green: SimDeployment, now: number): void {
    const blue = svc.lastCompleted && svc.lastCompleted !== green ? svc.lastCompleted : undefined;
    green.shift = { stage: 'SCALE_UP', percent: 0, nextStep: 0, ...(blue ? { blueId: blue.id } : {}) };
    // A deployment that replaces one still shifting starts again from blue holding production.
    this.setShare(svc, green, 0, now);
    this.stage(svc, green, 'SCALE_UP', now, `green ${shortTd(green.taskDefinitionArn)} in ${green.targetGroupArn ?? 'no target group'}`);
  }

  /** One tick for a service whose PRIMARY deployment is shifting traffic. */
  schedule(svc: SimService, green: SimDeployment, now: number): void {
    const shift = green.shift;
    if (!shift) return;
    const blue = svc.deployments.find((d) => d.id === shift.blueId);
    for (const d of svc.deployments) {
      const keep = d === green || (d === blue && shift.stage !== 'CLEAN_UP');
      this.scaleTo(svc, d, keep ? svc.desiredCount : 0, green.id, now);
    }
    switch (shift.stage) {
      case 'SCALE_UP':
      case 'TEST_TRAFFIC_SHIFT':
        if (this.healthy(svc, green) < svc.desiredCount) return;
        if (svc.advanced?.testListenerRule) {
          this.setShare(svc, green, 100, now, svc.advanced.testListenerRule);
          this.stage(svc, green, 'TEST_TRAFFIC_SHIFT', now, 'test listener rule to green');
        }
        shift.nextShiftAt = now;
        this.stage(svc, green, 'PRODUCTION_TRAFFIC_SHIFT', now, '');
        this.shiftProduction(svc, green, now);
        return;
      case 'PRODUCTION_TRAFFIC_SHIFT':
        this.shiftProduction(svc, green, now);
        return;
      case 'BAKE_TIME':
        if (now < (shift.bakeEndsAt ?? now)) return;
        this.stage(svc, green, 'CLEAN_UP', now, blue ? `blue ${shortTd(blue.taskDefinitionArn)} scales to 0` : '');
        if (blue) this.scaleTo(svc, blue, 0, green.id, now);
        return;
      case 'CLEAN_UP':
        if (svc.tasks.some((t) => t.deploymentId !== green.id)) return;
        this.complete(svc, green, now);
        return;
    }
  }

  /** Production (and test) traffic back on blue: what a rollback does first. */
  shiftBack(svc: SimService, green: SimDeployment, now: number): void {
    if (!green.shift) return;
    this.setShare(svc, green, 0, now);
    if (svc.advanced?.testListenerRule) this.setShare(svc, green, 0, now, svc.advanced.testListenerRule);
  }

  private shiftProduction(svc: SimService, green: SimDeployment, now: number): void {
    const shift = green.shift;
    if (!shift || now < (shift.nextShiftAt ?? now)) return;
    const step = trafficPlan(green.settings)[shift.nextStep];
    if (!step) return;
    this.setShare(svc, green, step.percent, now);
    shift.nextStep++;
    shift.nextShiftAt = now + step.waitMs;
    if (step.percent < 100) return;
    shift.bakeEndsAt = now + bakeTimeMs(green.settings);
    this.stage(svc, green, 'BAKE_TIME', now, `blue kept for ${bakeTimeMs(green.settings) / 60_000}m`);
  }

  /** Green's share on the production rule (or the rule given), blue holding the rest. */
  private setShare(svc: SimService, green: SimDeployment, percent: number, now: number, ruleArn = svc.advanced?.productionListenerRule): void {
    const greenTg = green.targetGroupArn;
    const advanced = svc.advanced;
    if (!ruleArn || !greenTg || !advanced || !svc.targetGroupArn) return;
    const blueTg = greenTg === advanced.alternateTargetGroupArn ? svc.targetGroupArn : advanced.alternateTargetGroupArn;
    const ref: ForwardRef = this.weights.isRule(ruleArn) ? { ruleArn } : { listenerArn: ruleArn };
    const share = new Map(shiftWeights(blueTg, greenTg, percent).map((w) => [w.targetGroupArn, w.weight]));
    const current = this.weights.readWeights(ref);
    const next = current.map((w) => ({ targetGroupArn: w.targetGroupArn, weight: share.get(w.targetGroupArn) ?? w.weight }));
    for (const [targetGroupArn, weight] of share) if (!current.some((w) => w.targetGroupArn === targetGroupArn)) next.push({ targetGroupArn, weight });
    this.weights.setWeights(ref, next, now, BY);
    if (ruleArn === advanced.productionListenerRule && green.shift) green.shift.percent = percent;
  }

  private scaleTo(svc: SimService, d: SimDeployment, count: number, by: string, now: number): void {
    const live = svc.tasks.filter((t) => t.deploymentId === d.id && t.desiredStatus === 'RUNNING');
    if (live.length > count) {
      const victims = [...live].sort((a, b) => Number(this.tasks.isHealthy(svc, a)) - Number(this.tasks.isHealthy(svc, b)) || b.createdAt - a.createdAt);
      for (const task of victims.slice(0, live.length - count)) this.tasks.stopTask(task, this.tasks.scalingReason(by), now);
      return;
    }
    const td = this.ecs.taskDefinitions.get(d.taskDefinitionArn);
    if (td) for (let i = live.length; i < count; i++) this.ecs.createTask(svc.cluster, td, now, { svc, deployment: d });
  }

  private healthy(svc: SimService, d: SimDeployment): number {
    return svc.tasks.filter((t) => t.deploymentId === d.id && this.tasks.isHealthy(svc, t)).length;
  }

  private complete(svc: SimService, green: SimDeployment, now: number): void {
    green.rolloutState = 'COMPLETED';
    green.rolloutStateReason = `ECS deployment ${green.id} completed.`;
    green.updatedAt = now;
    svc.deployments = [green];
    svc.lastCompleted = green;
    this.ctx.events.add(now, 'deployment.completed', svc.name, `${green.id} ${shortTd(green.taskDefinitionArn)}`);
  }

  private stage(svc: SimService, d: SimDeployment, stage: LifecycleStage, now: number, note: string): void {
    if (!d.shift) return;
    d.shift.stage = stage;
    d.updatedAt = now;
    this.ctx.events.add(now, 'deployment.stage', svc.name, `${d.id} ${stage}${note ? `: ${note}` : ''}`);
  }
}
