// What Application Auto Scaling's policies compute, kept free of the world's state:
// - target tracking: the metric it tracks, the two alarms it creates (above the target for 3
//   one-minute datapoints; below 90% of it for 15), and the new capacity, proportional to
//   metric / target and rounded up (never too little capacity, never too much removed).
//   https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html
// - step scaling: the step whose interval holds the breach (metric minus the alarm's
//   threshold) and the adjustment it makes, with PercentChangeInCapacity rounded as documented
//   and raised to MinAdjustmentMagnitude.
//   https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
//   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html

import { CloudError } from '../cloud/errors.js';
import type { StepAdjustment, StepScalingPolicy, TargetTrackingPolicy } from '../cloud/ports.js';
import { serviceDimensions, ECS_NAMESPACE } from './ecs-metrics.js';
import { NAMESPACE as ELB_NAMESPACE } from './traffic.js';

export const SCALING_DEFAULTS = {
  /** ECS services: both target tracking cooldowns default to 300 s. */
  scaleOutCooldownSeconds: 300,
  scaleInCooldownSeconds: 300,
  /** StepScalingPolicyConfiguration.Cooldown default. */
  stepCooldownSeconds: 300,
  highAlarmDatapoints: 3,
  lowAlarmDatapoints: 15,
  /** The scale-in alarm's threshold, as a fraction of the target value. */
  lowAlarmFraction: 0.9,
  alarmPeriodSeconds: 60,
} as const;

export interface TrackedMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
}

const RESOURCE_LABEL = /^app\/[^/]+\/[^/]+\/(targetgroup\/[^/]+\/[^/]+)$/;

export function invalidPolicy(message: string, operation = 'PutScalingPolicy'): CloudError {
  return new CloudError('Invalid', message, { service: 'autoscaling', operation, awsCode: 'ValidationException' });
}

/** The CloudWatch metric a target tracking policy follows for an ECS service. */
export function trackedMetric(policy: TargetTrackingPolicy, cluster: string, service: string): TrackedMetric {
  const predefined = policy.predefinedMetric;
  if ((predefined === undefined) === (policy.customizedMetric === undefined)) {
    throw invalidPolicy('a target tracking policy needs exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification');
  }
  if (!Number.isFinite(policy.targetValue) || policy.targetValue <= 0) throw invalidPolicy(`TargetValue must be a positive number (got ${policy.targetValue})`);
  if (policy.customizedMetric) {
    const c = policy.customizedMetric;
    return { namespace: c.namespace, metricName: c.metricName, dimensions: { ...c.dimensions }, stat: c.statistic };
  }
  switch (predefined?.type) {
    case 'ECSServiceAverageCPUUtilization':
      return { namespace: ECS_NAMESPACE, metricName: 'CPUUtilization', dimensions: serviceDimensions(cluster, service), stat: 'Average' };
    case 'ECSServiceAverageMemoryUtilization':
      return { namespace: ECS_NAMESPACE, metricName: 'MemoryUtilization', dimensions: serviceDimensions(cluster, service), stat: 'Average' };
    case 'ALBRequestCountPerTarget': {
      const group = RESOURCE_LABEL.exec(predefined.resourceLabel ?? '')?.[1];
      if (!group) throw invalidPolicy(`ALBRequestCountPerTarget needs a ResourceLabel app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id> (got ${JSON.stringify(predefined.resourceLabel ?? null)})`);
      return { namespace: ELB_NAMESPACE, metricName: 'RequestCountPerTarget', dimensions: { TargetGroup: group }, stat: 'Sum' };
    }
    default:
      throw invalidPolicy(`unsupported predefined metric ${String(predefined?.type)}`);
  }
}

/** Capacity that brings the metric back to the target: proportional, rounded up. */
export function trackingCapacity(base: number, value: number, target: number): number {
  // A hair under an integer stays that integer (0.6 * 5 is 3.0000000000000004).
  return Math.max(0, Math.ceil((base * value) / target - 1e-9));
}

export function validateStepPolicy(policy: StepScalingPolicy): void {
  if (policy.stepAdjustments.length === 0) throw invalidPolicy('a step scaling policy needs at least one step adjustment');
  for (const s of policy.stepAdjustments) {
    if (s.lowerBound === undefined && s.upperBound === undefined && policy.stepAdjustments.length > 1) {
      throw invalidPolicy('only a single step adjustment may leave both bounds open');
    }
    if (s.lowerBound !== undefined && s.upperBound !== undefined && s.lowerBound >= s.upperBound) {
      throw invalidPolicy(`step adjustment bounds ${s.lowerBound}..${s.upperBound} are empty`);
    }
  }
  if (policy.minAdjustmentMagnitude !== undefined && policy.adjustmentType !== 'PercentChangeInCapacity') {
    throw invalidPolicy('MinAdjustmentMagnitude applies only to PercentChangeInCapacity');
  }
}

/**
 * The step whose interval holds `breach` (metric minus threshold). Above the threshold the lower
 * bound is inclusive and the upper exclusive; below it, the other way round.
 */
export function matchingStep(steps: readonly StepAdjustment[], breach: number): StepAdjustment | undefined {
  const above = breach >= 0;
  return steps.find((s) => {
    const lo = s.lowerBound ?? -Infinity;
    const hi = s.upperBound ?? Infinity;
    return above ? lo <= breach && breach < hi : lo < breach && breach <= hi;
  });
}

/** The capacity a step asks for, before min/max. */
export function stepCapacity(policy: Pick<StepScalingPolicy, 'adjustmentType' | 'minAdjustmentMagnitude'>, current: number, adjustment: number): number {
  switch (policy.adjustmentType) {
    case 'ExactCapacity':
      return adjustment;
    case 'ChangeInCapacity':
      return current + adjustment;
    case 'PercentChangeInCapacity': {
      const raw = (current * adjustment) / 100;
      // Documented rounding: above 1 down, below -1 up, anything between 0 and ±1 to ±1.
      let change = raw > 1 ? Math.floor(raw) : raw < -1 ? Math.ceil(raw) : raw > 0 ? 1 : raw < 0 ? -1 : 0;
      const magnitude = policy.minAdjustmentMagnitude;
      if (magnitude !== undefined && change !== 0 && Math.abs(change) < magnitude) change = Math.sign(change) * magnitude;
      return current + change;
    }
  }
}
