// ScalingPort on the Application Auto Scaling API.
import {
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommandInput,
  ScalableTarget as SdkScalableTarget,
  ScalingActivity as SdkScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import type {
  ScalableTarget,
  ScalingActivity,
  ScalingPolicyInput,
  ScalingPolicyResult,
  ScalingPort,
  ScheduledActionInput,
} from '../ports.js';
import { chunk, resourceIdOf } from './batch.js';
import type { AwsCall } from './call.js';
import { SCALABLE_TARGETS_PAGE } from './limits.js';

const NAMESPACE = 'ecs';
const DIMENSION = 'ecs:service:DesiredCount';


/** Application Auto Scaling names an ECS service by cluster and service name, never by ARN. */
export class AwsScaling implements ScalingPort {
  constructor(
    private readonly client: ApplicationAutoScalingClient,
    private readonly call: AwsCall,
  ) {}

  async describeScalableTarget(cluster: string, service: string): Promise<ScalableTarget | undefined> {
    const resourceId = resourceIdOf(cluster, service);
    const out = await this.call('DescribeScalableTargets', () =>
      this.client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: NAMESPACE,
          ResourceIds: [resourceId],
          ScalableDimension: DIMENSION,
        }),
      ),
    );
    const target = out.ScalableTargets?.[0];
    return target ? toScalableTarget(target, resourceId) : undefined;
  }

  async describeScalableTargets(services: readonly { cluster: string; service: string }[]): Promise<(ScalableTarget | undefined)[]> {
    const ids = [...new Set(services.map((s) => resourceIdOf(s.cluster, s.service)))];
    const found = new Map<string, ScalableTarget>();
    for (const part of chunk(ids, SCALABLE_TARGETS_PAGE)) {
      let token: string | undefined;
      do {
        const out = await this.call('DescribeScalableTargets', () =>
          this.client.send(
            new DescribeScalableTargetsCommand({
              ServiceNamespace: NAMESPACE,
              ResourceIds: part,
              ScalableDimension: DIMENSION,
              MaxResults: SCALABLE_TARGETS_PAGE,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        for (const t of out.ScalableTargets ?? []) if (t.ResourceId) found.set(t.ResourceId, toScalableTarget(t, t.ResourceId));
        token = out.NextToken;
      } while (token);
    }
    return services.map((s) => found.get(resourceIdOf(s.cluster, s.service)));
  }

  async putScalingPolicy(cluster: string, service: string, input: ScalingPolicyInput): Promise<ScalingPolicyResult> {
    const out = await this.call('PutScalingPolicy', () => this.client.send(new PutScalingPolicyCommand(policyRequest(resourceIdOf(cluster, service), input))));
    return {
      policyArn: out.PolicyARN ?? '',
      alarms: (out.Alarms ?? []).map((a) => ({ name: a.AlarmName ?? '', arn: a.AlarmARN ?? '' })),
    };
  }

  async putScheduledAction(cluster: string, service: string, input: ScheduledActionInput): Promise<void> {
    const action = {
      ...(input.minCapacity !== undefined ? { MinCapacity: input.minCapacity } : {}),
      ...(input.maxCapacity !== undefined ? { MaxCapacity: input.maxCapacity } : {}),
    };
    await this.call('PutScheduledAction', () =>
      this.client.send(
        new PutScheduledActionCommand({
          ServiceNamespace: NAMESPACE,
          ScheduledActionName: input.name,
          ResourceId: resourceIdOf(cluster, service),
          ScalableDimension: DIMENSION,
          Schedule: input.schedule,
          ...(input.timezone !== undefined ? { Timezone: input.timezone } : {}),
          ...(input.startTime !== undefined ? { StartTime: new Date(input.startTime) } : {}),
          ...(input.endTime !== undefined ? { EndTime: new Date(input.endTime) } : {}),
          ScalableTargetAction: action,
        }),
      ),
    );
  }

  async describeScalingActivities(cluster: string, service: string, options: { limit?: number } = {}): Promise<ScalingActivity[]> {
    const out = await this.call('DescribeScalingActivities', () =>
      this.client.send(
        new DescribeScalingActivitiesCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: resourceIdOf(cluster, service),
          ScalableDimension: DIMENSION,
          ...(options.limit !== undefined ? { MaxResults: options.limit } : {}),
        }),
      ),
    );
    // AWS lists activities newest first already.
    return (out.ScalingActivities ?? []).map(toActivity);
  }
}

function toScalableTarget(target: SdkScalableTarget, resourceId: string): ScalableTarget {
  const suspended = target.SuspendedState;
  return {
    resourceId: target.ResourceId ?? resourceId,
    minCapacity: target.MinCapacity ?? 0,
    maxCapacity: target.MaxCapacity ?? 0,
    suspended: {
      dynamicScalingIn: suspended?.DynamicScalingInSuspended ?? false,
      dynamicScalingOut: suspended?.DynamicScalingOutSuspended ?? false,
      scheduledScaling: suspended?.ScheduledScalingSuspended ?? false,
    },
  };
}

function policyRequest(resourceId: string, input: ScalingPolicyInput): PutScalingPolicyCommandInput {
  const base = { PolicyName: input.name, ServiceNamespace: NAMESPACE, ResourceId: resourceId, ScalableDimension: DIMENSION } as const;
  const p = input.policy;
  if (p.type === 'StepScaling') {
    return {
      ...base,
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: p.adjustmentType,
        StepAdjustments: p.stepAdjustments.map((s) => ({
          ...(s.lowerBound !== undefined ? { MetricIntervalLowerBound: s.lowerBound } : {}),
          ...(s.upperBound !== undefined ? { MetricIntervalUpperBound: s.upperBound } : {}),
          ScalingAdjustment: s.scalingAdjustment,
        })),
        ...(p.minAdjustmentMagnitude !== undefined ? { MinAdjustmentMagnitude: p.minAdjustmentMagnitude } : {}),
        ...(p.cooldownSeconds !== undefined ? { Cooldown: p.cooldownSeconds } : {}),
        ...(p.metricAggregationType !== undefined ? { MetricAggregationType: p.metricAggregationType } : {}),
      },
    };
  }
  const c = p.customizedMetric;
  return {
    ...base,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: p.targetValue,
      ...(p.predefinedMetric
        ? {
            PredefinedMetricSpecification: {
              PredefinedMetricType: p.predefinedMetric.type,
              ...(p.predefinedMetric.resourceLabel !== undefined ? { ResourceLabel: p.predefinedMetric.resourceLabel } : {}),
            },
          }
        : {}),
      ...(c
        ? {
            CustomizedMetricSpecification: {
              Namespace: c.namespace,
              MetricName: c.metricName,
              Dimensions: Object.entries(c.dimensions).map(([Name, Value]) => ({ Name, Value })),
              Statistic: c.statistic,
            },
          }
        : {}),
      ...(p.scaleOutCooldownSeconds !== undefined ? { ScaleOutCooldown: p.scaleOutCooldownSeconds } : {}),
      ...(p.scaleInCooldownSeconds !== undefined ? { ScaleInCooldown: p.scaleInCooldownSeconds } : {}),
      ...(p.disableScaleIn !== undefined ? { DisableScaleIn: p.disableScaleIn } : {}),
    },
  };
}

function toActivity(a: SdkScalingActivity): ScalingActivity {
  return {
    activityId: a.ActivityId ?? '',
    resourceId: a.ResourceId ?? '',
    description: a.Description ?? '',
    cause: a.Cause ?? '',
    startTime: a.StartTime?.getTime() ?? 0,
    ...(a.EndTime ? { endTime: a.EndTime.getTime() } : {}),
    statusCode: a.StatusCode ?? 'Pending',
    ...(a.StatusMessage !== undefined ? { statusMessage: a.StatusMessage } : {}),
  };
}
