// Application Auto Scaling for ECS services: scalable targets own a service's desiredCount
// (keelson must then leave the count alone); target tracking and step scaling policies act
// when their CloudWatch alarms are in ALARM (Auto Scaling actions are invoked again every
// minute the alarm stays there); scheduled actions change min/max capacity at their time.
// Every change is a scaling activity, newest first.
// https://docs.aws.amazon.com/autoscaling/application/userguide/what-is-application-auto-scaling.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html

import { CloudError } from '../cloud/errors.js';
import type {
  ScalableTarget,
  ScalingActivity,
  ScalingPolicyInput,
  ScalingPolicyResult,
  ScheduledActionInput,
  StepScalingPolicy,
} from '../cloud/ports.js';
import { alarmEvaluationRange, type CloudWatchModel, type SimAlarm } from './cloudwatch.js';
import type { SimContext } from './context.js';
import type { EcsModel, SimService } from './ecs-model.js';
import type { Random } from './random.js';
import { matchingStep, SCALING_DEFAULTS, stepCapacity, trackedMetric, trackingCapacity, validateStepPolicy, invalidPolicy, type TrackedMetric } from './scaling-policies.js';
import { cronMatches, parseSchedule, ScheduleError, type Schedule } from './scaling-schedule.js';

export interface ScalableTargetInput {
  minCapacity: number;
  maxCapacity: number;
  suspended?: Partial<ScalableTarget['suspended']>;
}

export function resourceId(cluster: string, service: string): string {
  return `service/${cluster}/${service}`;
}

interface TargetTrackingState {
  kind: 'targetTracking';
  name: string;
  arn: string;
  targetValue: number;
  metric: TrackedMetric;
  scaleOutCooldownMs: number;
  scaleInCooldownMs: number;
  disableScaleIn: boolean;
  alarmHigh: string;
  alarmLow: string;
  /** The last scale-out and the capacity before it: within the cooldown, the base of the next. */
  lastScaleOut?: { at: number; base: number };
  lastScaleInAt?: number;
}

interface StepState {
  kind: 'step';
  name: string;
  arn: string;
  config: StepScalingPolicy;
  /** The alarm whose ALARM state invokes it (a CloudWatch alarm action). */
  alarm?: string;
  cooldownMs: number;
  lastScaleOut?: { at: number; base: number };
  lastScaleInAt?: number;
}

interface ScheduledState {
  input: ScheduledActionInput;
  schedule: Schedule;
  createdAt: number;
  /** `at`: fired already; `rate`: the next time it fires. */
  fired?: boolean;
  nextAt?: number;
}

interface TargetState {
  target: ScalableTarget;
  cluster: string;
  service: string;
  policies: (TargetTrackingState | StepState)[];
  scheduled: ScheduledState[];
  /** Newest last (reversed when described). */
  activities: ScalingActivity[];
}

const ACTIVITIES_KEPT = 1000;
const MINUTE_MS = 60_000;

export class ScalingModel {
  readonly targets = new Map<string, ScalableTarget>();
  private readonly states = new Map<string, TargetState>();

  constructor(
    private readonly ctx: SimContext,
    private readonly deps?: { ecs: EcsModel; cloudwatch: CloudWatchModel; ids: Random },
  ) {}

  register(cluster: string, service: string, input: ScalableTargetInput, now: number): ScalableTarget {
    const id = resourceId(cluster, service);
    const target: ScalableTarget = {
      resourceId: id,
      minCapacity: input.minCapacity,
      maxCapacity: input.maxCapacity,
      suspended: {
        dynamicScalingIn: input.suspended?.dynamicScalingIn ?? false,
        dynamicScalingOut: input.suspended?.dynamicScalingOut ?? false,
        scheduledScaling: input.suspended?.scheduledScaling ?? false,
      },
    };
    this.targets.set(id, target);
    const existing = this.states.get(id);
    if (existing) existing.target = target;
    else this.states.set(id, { target, cluster, service, policies: [], scheduled: [], activities: [] });
    this.ctx.events.add(now, 'scaling.target', id, `registered min ${input.minCapacity} max ${input.maxCapacity}`);
    return target;
  }

  deregister(cluster: string, service: string, now: number): boolean {
    const id = resourceId(cluster, service);
    const state = this.states.get(id);
    // Deregistering deletes the target's policies (and their alarms) and scheduled actions.
    for (const p of state?.policies ?? []) this.dropAlarms(p);
    this.states.delete(id);
    const removed = this.targets.delete(id);
    if (removed) this.ctx.events.add(now, 'scaling.target', id, 'deregistered');
    return removed;
  }

  describe(cluster: string, service: string): ScalableTarget | undefined {
    const t = this.targets.get(resourceId(cluster, service));
    return t ? { ...t, suspended: { ...t.suspended } } : undefined;
  }

  /** Newest first. */
  activities(cluster: string, service: string, limit = 50): ScalingActivity[] {
    const list = this.states.get(resourceId(cluster, service))?.activities ?? [];
    return list.slice(-limit).reverse().map((a) => ({ ...a }));
  }

  // ------------------------------------------------------------------ policies and schedules

  /** PutScalingPolicy; `alarm` links a step policy to a CloudWatch alarm (its alarm action). */
  putPolicy(cluster: string, service: string, input: ScalingPolicyInput, now: number, alarm?: string): ScalingPolicyResult {
    const state = this.requireTarget(cluster, service, 'PutScalingPolicy');
    const deps = this.requireDeps();
    const old = state.policies.findIndex((p) => p.name === input.name);
    const uuid = this.uuid();
    const arn = `arn:aws:autoscaling:${this.ctx.region}:${this.ctx.account}:scalingPolicy:${uuid}:resource/ecs/${state.target.resourceId}:policyName/${input.name}`;
    let policy: TargetTrackingState | StepState;
    if (input.policy.type === 'TargetTrackingScaling') {
      const p = input.policy;
      const metric = trackedMetric(p, cluster, service);
      const prefix = `TargetTracking-${state.target.resourceId}`;
      policy = {
        kind: 'targetTracking',
        name: input.name,
        arn,
        targetValue: p.targetValue,
        metric,
        scaleOutCooldownMs: (p.scaleOutCooldownSeconds ?? SCALING_DEFAULTS.scaleOutCooldownSeconds) * 1000,
        scaleInCooldownMs: (p.scaleInCooldownSeconds ?? SCALING_DEFAULTS.scaleInCooldownSeconds) * 1000,
        disableScaleIn: p.disableScaleIn ?? false,
        alarmHigh: `${prefix}-AlarmHigh-${this.uuid()}`,
        alarmLow: `${prefix}-AlarmLow-${this.uuid()}`,
      };
      if (old >= 0) this.dropAlarms(state.policies[old] as TargetTrackingState | StepState);
      deps.cloudwatch.alarms.set(policy.alarmHigh, trackingAlarm(policy.alarmHigh, metric, p.targetValue, 'GreaterThanThreshold', SCALING_DEFAULTS.highAlarmDatapoints, now));
      if (!policy.disableScaleIn) {
        const low = p.targetValue * SCALING_DEFAULTS.lowAlarmFraction;
        deps.cloudwatch.alarms.set(policy.alarmLow, trackingAlarm(policy.alarmLow, metric, low, 'LessThanThreshold', SCALING_DEFAULTS.lowAlarmDatapoints, now));
      }
    } else {
      validateStepPolicy(input.policy);
      if (alarm !== undefined && !deps.cloudwatch.alarms.has(alarm)) throw invalidPolicy(`alarm ${alarm} does not exist`);
      policy = {
        kind: 'step',
        name: input.name,
        arn,
        config: input.policy,
        ...(alarm !== undefined ? { alarm } : {}),
        cooldownMs: (input.policy.cooldownSeconds ?? SCALING_DEFAULTS.stepCooldownSeconds) * 1000,
      };
      if (old >= 0) this.dropAlarms(state.policies[old] as TargetTrackingState | StepState);
    }
    if (old >= 0) state.policies[old] = policy;
    else state.policies.push(policy);
    this.ctx.events.add(now, 'scaling.target', state.target.resourceId, `policy ${input.name} (${input.policy.type}) put`);
    return { policyArn: arn, alarms: policy.kind === 'targetTracking' ? this.alarmsOf(policy) : [] };
  }

  /** PutScheduledAction. */
  putScheduledAction(cluster: string, service: string, input: ScheduledActionInput, now: number): void {
    const state = this.requireTarget(cluster, service, 'PutScheduledAction');
    let schedule: Schedule;
    try {
      schedule = parseSchedule(input.schedule, input.timezone ?? 'UTC');
    } catch (err) {
      if (err instanceof ScheduleError) throw invalidPolicy(err.message, 'PutScheduledAction');
      throw err;
    }
    if (input.minCapacity === undefined && input.maxCapacity === undefined) throw invalidPolicy('a scheduled action needs MinCapacity or MaxCapacity', 'PutScheduledAction');
    if (input.minCapacity !== undefined && input.maxCapacity !== undefined && input.minCapacity > input.maxCapacity) {
      throw invalidPolicy(`MinCapacity ${input.minCapacity} exceeds MaxCapacity ${input.maxCapacity}`, 'PutScheduledAction');
    }
    const entry: ScheduledState = { input: { ...input }, schedule, createdAt: now };
    if (schedule.kind === 'rate') entry.nextAt = (input.startTime ?? now) + schedule.everyMs;
    const old = state.scheduled.findIndex((s) => s.input.name === input.name);
    if (old >= 0) state.scheduled[old] = entry;
    else state.scheduled.push(entry);
    this.ctx.events.add(now, 'scaling.target', state.target.resourceId, `scheduled action ${input.name} ${input.schedule} put`);
  }

  // ------------------------------------------------------------------ the world moving

  /** Every tick: scheduled actions that are due run. */
  tick(now: number): void {
    for (const state of this.states.values()) {
      for (const action of state.scheduled) if (this.due(action, now)) this.runScheduled(state, action, now);
    }
  }

  /** Every minute, after the alarms were evaluated: policies whose alarms are in ALARM act. */
  evaluatePolicies(now: number): void {
    if (!this.deps) return;
    for (const state of this.states.values()) {
      if (state.policies.length === 0) continue;
      const svc = this.deps.ecs.findService(state.cluster, state.service);
      if (!svc) continue;
      this.runTargetTracking(state, svc, now);
      for (const p of state.policies) if (p.kind === 'step') this.runStep(state, svc, p, now);
    }
  }

  private due(action: ScheduledState, now: number): boolean {
    const { startTime, endTime } = action.input;
    if (endTime !== undefined && now > endTime) return false;
    const s = action.schedule;
    if (s.kind === 'at') {
      if (action.fired || now < s.at) return false;
      action.fired = true;
      return true;
    }
    if (startTime !== undefined && now < startTime) return false;
    if (s.kind === 'rate') {
      if (now < (action.nextAt ?? Infinity)) return false;
      while ((action.nextAt as number) <= now) action.nextAt = (action.nextAt as number) + s.everyMs;
      return true;
    }
    return now % MINUTE_MS === 0 && cronMatches(s.fields, s.timeZone, now);
  }

  private runScheduled(state: TargetState, action: ScheduledState, now: number): void {
    const t = state.target;
    const cause = `scheduled action name ${action.input.name} was triggered`;
    // Suspended scheduled scaling skips what falls due; nothing runs later on resuming.
    if (t.suspended.scheduledScaling) return;
    const { minCapacity, maxCapacity } = action.input;
    if (minCapacity !== undefined) t.minCapacity = minCapacity;
    if (maxCapacity !== undefined) t.maxCapacity = maxCapacity;
    if (t.maxCapacity < t.minCapacity) t.maxCapacity = t.minCapacity;
    this.record(state, now, `Setting min capacity to ${t.minCapacity} and max capacity to ${t.maxCapacity}.`, cause);
    const svc = this.deps?.ecs.findService(state.cluster, state.service);
    if (!svc) return;
    // Below the new minimum: scale out to it; above the new maximum: scale in to it.
    if (svc.desiredCount < t.minCapacity) this.setDesiredCount(state, svc, t.minCapacity, `minimum capacity was set to ${t.minCapacity}`, now);
    else if (svc.desiredCount > t.maxCapacity) this.setDesiredCount(state, svc, t.maxCapacity, `maximum capacity was set to ${t.maxCapacity}`, now);
  }

  /**
   * Target tracking: scale out as soon as any policy's high alarm asks; scale in only when every
   * policy that may scale in agrees, outside its cooldown and outside an ECS deployment.
   */
  private runTargetTracking(state: TargetState, svc: SimService, now: number): void {
    const deps = this.requireDeps();
    const t = state.target;
    const current = svc.desiredCount;
    const proposals: { capacity: number; policy: TargetTrackingState; alarm: string }[] = [];
    let invoked = false;
    for (const p of state.policies) {
      if (p.kind !== 'targetTracking') continue;
      const high = deps.cloudwatch.alarms.get(p.alarmHigh);
      const low = deps.cloudwatch.alarms.get(p.alarmLow);
      if (high?.state === 'ALARM' && !t.suspended.dynamicScalingOut) {
        const value = this.latest(high, now);
        if (value === undefined) continue;
        // Within the scale-out cooldown, capacity already added counts toward the next scale-out.
        const inCooldown = p.lastScaleOut !== undefined && now < p.lastScaleOut.at + p.scaleOutCooldownMs;
        const base = inCooldown ? (p.lastScaleOut as { base: number }).base : current;
        proposals.push({ capacity: Math.max(current, trackingCapacity(base, value, p.targetValue)), policy: p, alarm: high.name });
        invoked = true;
        continue;
      }
      if (p.disableScaleIn) continue;
      const scaleInBlocked = t.suspended.dynamicScalingIn || deploymentInProgress(svc) || (p.lastScaleInAt !== undefined && now < p.lastScaleInAt + p.scaleInCooldownMs);
      const value = low?.state === 'ALARM' && !scaleInBlocked ? this.latest(low, now) : undefined;
      if (value !== undefined) invoked = true;
      proposals.push({ capacity: value === undefined ? current : trackingCapacity(current, value, p.targetValue), policy: p, alarm: low?.name ?? p.alarmLow });
    }
    // Policies act only when an alarm invokes them; the others just vote to keep the capacity.
    if (!invoked) return;
    const winner = proposals.reduce((a, b) => (b.capacity > a.capacity ? b : a));
    const wanted = clamp(winner.capacity, t);
    if (wanted === current) return;
    const cause = `monitor alarm ${winner.alarm} in state ALARM triggered policy ${winner.policy.name}`;
    if (wanted > current) {
      const inCooldown = winner.policy.lastScaleOut !== undefined && now < winner.policy.lastScaleOut.at + winner.policy.scaleOutCooldownMs;
      winner.policy.lastScaleOut = { at: now, base: inCooldown ? (winner.policy.lastScaleOut as { base: number }).base : current };
      // A scale-out ends every scale-in cooldown.
      for (const p of state.policies) delete p.lastScaleInAt;
    } else {
      for (const p of state.policies) if (p.kind === 'targetTracking') p.lastScaleInAt = now;
    }
    this.setDesiredCount(state, svc, wanted, cause, now);
  }

  private runStep(state: TargetState, svc: SimService, p: StepState, now: number): void {
    const deps = this.requireDeps();
    const alarm = p.alarm ? deps.cloudwatch.alarms.get(p.alarm) : undefined;
    if (!alarm || alarm.state !== 'ALARM') return;
    const value = this.latest({ ...alarm, stat: p.config.metricAggregationType ?? 'Average' }, now);
    if (value === undefined) return;
    const step = matchingStep(p.config.stepAdjustments, value - alarm.threshold);
    if (!step) return;
    const t = state.target;
    const current = svc.desiredCount;
    const scaleOutCooling = p.lastScaleOut !== undefined && now < p.lastScaleOut.at + p.cooldownMs;
    const out = stepCapacity(p.config, scaleOutCooling ? (p.lastScaleOut as { base: number }).base : current, step.scalingAdjustment);
    const cause = `monitor alarm ${alarm.name} in state ALARM triggered policy ${p.name}`;
    if (out > current) {
      if (t.suspended.dynamicScalingOut) return;
      const wanted = clamp(out, t);
      if (wanted <= current) return;
      p.lastScaleOut = { at: now, base: scaleOutCooling ? (p.lastScaleOut as { base: number }).base : current };
      delete p.lastScaleInAt;
      this.setDesiredCount(state, svc, wanted, cause, now);
      return;
    }
    const wanted = clamp(stepCapacity(p.config, current, step.scalingAdjustment), t);
    if (wanted >= current) return;
    if (t.suspended.dynamicScalingIn || deploymentInProgress(svc)) return;
    if (p.lastScaleInAt !== undefined && now < p.lastScaleInAt + p.cooldownMs) return;
    p.lastScaleInAt = now;
    this.setDesiredCount(state, svc, wanted, cause, now);
  }

  /**
   * The alarm's newest published datapoint, over the range the alarm itself was evaluated on
   * (reaching back past the publication delay).
   */
  private latest(alarm: Pick<SimAlarm, 'namespace' | 'metricName' | 'dimensions' | 'stat' | 'periodSeconds' | 'evaluationPeriods'>, now: number): number | undefined {
    const store = this.requireDeps().cloudwatch.store;
    const series = store.query(alarm.namespace, alarm.metricName, alarm.dimensions, alarm.stat, alarm.periodSeconds, alarmEvaluationRange(alarm, store.publicationDelayMs, now));
    return series.values[0];
  }

  private setDesiredCount(state: TargetState, svc: SimService, count: number, cause: string, now: number): void {
    this.requireDeps().ecs.update({ cluster: svc.cluster, service: svc.name, desiredCount: count }, now, 'Application Auto Scaling');
    this.record(state, now, `Setting desired count to ${count}.`, cause, `Successfully set desired count to ${count}. Change successfully fulfilled by ecs.`);
  }

  private record(state: TargetState, now: number, description: string, cause: string, statusMessage?: string): void {
    const activity: ScalingActivity = {
      activityId: this.uuid(),
      resourceId: state.target.resourceId,
      description,
      cause,
      startTime: now,
      endTime: now,
      statusCode: 'Successful',
      ...(statusMessage ? { statusMessage } : {}),
    };
    state.activities.push(activity);
    if (state.activities.length > ACTIVITIES_KEPT) state.activities.shift();
    this.ctx.events.add(now, 'scaling.activity', state.target.resourceId, `${description} (${cause})`);
  }

  private alarmsOf(p: TargetTrackingState): { name: string; arn: string }[] {
    const names = p.disableScaleIn ? [p.alarmHigh] : [p.alarmHigh, p.alarmLow];
    return names.map((name) => ({ name, arn: `arn:aws:cloudwatch:${this.ctx.region}:${this.ctx.account}:alarm:${name}` }));
  }

  private dropAlarms(p: TargetTrackingState | StepState): void {
    if (p.kind !== 'targetTracking' || !this.deps) return;
    this.deps.cloudwatch.alarms.delete(p.alarmHigh);
    this.deps.cloudwatch.alarms.delete(p.alarmLow);
  }

  private requireTarget(cluster: string, service: string, operation: string): TargetState {
    const state = this.states.get(resourceId(cluster, service));
    if (!state) {
      throw new CloudError('NotFound', `No scalable target registered for service namespace: ecs, resource ID: ${resourceId(cluster, service)}, scalable dimension: ecs:service:DesiredCount`, {
        service: 'autoscaling',
        operation,
        awsCode: 'ObjectNotFoundException',
      });
    }
    return state;
  }

  private requireDeps(): { ecs: EcsModel; cloudwatch: CloudWatchModel; ids: Random } {
    if (!this.deps) throw new Error('scaling policies need the ECS and CloudWatch models');
    return this.deps;
  }

  private uuid(): string {
    const h = this.requireDeps().ids.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

function trackingAlarm(name: string, metric: TrackedMetric, threshold: number, comparison: 'GreaterThanThreshold' | 'LessThanThreshold', datapoints: number, now: number): SimAlarm {
  return {
    name,
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: { ...metric.dimensions },
    stat: metric.stat,
    periodSeconds: SCALING_DEFAULTS.alarmPeriodSeconds,
    threshold,
    comparison,
    evaluationPeriods: datapoints,
    datapointsToAlarm: datapoints,
    state: 'INSUFFICIENT_DATA',
    reason: 'Unchecked: Initial alarm creation',
    updatedAt: now,
  };
}

function clamp(capacity: number, t: ScalableTarget): number {
  return Math.min(t.maxCapacity, Math.max(t.minCapacity, capacity));
}

/** Application Auto Scaling turns scale-in off while an ECS deployment is in progress. */
function deploymentInProgress(svc: SimService): boolean {
  return svc.deployments.length > 1 || svc.deployments[0]?.rolloutState === 'IN_PROGRESS';
}
