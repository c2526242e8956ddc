import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsPortsForTest } from './helpers.js';

const autoscaling = mockClient(ApplicationAutoScalingClient);

beforeEach(() => {
  autoscaling.reset();
});

describe('AwsScaling.describeScalableTarget', () => {
  it('finds the registration that owns a service desired count', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [
        {
          ServiceNamespace: 'ecs',
          ResourceId: 'service/aep-prod/aep-backend-green',
          ScalableDimension: 'ecs:service:DesiredCount',
          MinCapacity: 2,
          MaxCapacity: 10,
          RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
          CreationTime: new Date('2023-11-02T12:05:00.000Z'),
          SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
          ScalableTargetARN: 'arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5b4c7d1e2f3a4b5c6d7e8f9a0b1c2',
        },
      ],
    });
    const { ports } = awsPortsForTest();

    const target = await ports.scaling.describeScalableTarget('arn:aws:ecs:us-east-1:123456789012:cluster/aep-prod', 'aep-backend-green');

    expect(autoscaling.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ResourceIds: ['service/aep-prod/aep-backend-green'],
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    expect(target).toEqual({
      resourceId: 'service/aep-prod/aep-backend-green',
      minCapacity: 2,
      maxCapacity: 10,
      suspended: { dynamicScalingIn: true, dynamicScalingOut: false, scheduledScaling: false },
    });
  });

  it('returns undefined for a service nothing scales', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    const { ports } = awsPortsForTest();

    expect(await ports.scaling.describeScalableTarget('aep-prod', 'aep-worker')).toBeUndefined();
  });
});

describe('AwsScaling.putScalingPolicy', () => {
  it('sends a target tracking policy as PutScalingPolicy expects it and returns the alarms AWS created', async () => {
    autoscaling.on(PutScalingPolicyCommand).resolves({
      PolicyARN: 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:6d8972f3-efc8-437c-92d1-6270f29a66e7:resource/ecs/service/aep-prod/aep-backend-green:policyName/cpu50',
      Alarms: [
        { AlarmName: 'TargetTracking-service/aep-prod/aep-backend-green-AlarmHigh-d4f0770c', AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-service/aep-prod/aep-backend-green-AlarmHigh-d4f0770c' },
        { AlarmName: 'TargetTracking-service/aep-prod/aep-backend-green-AlarmLow-1b437334', AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-service/aep-prod/aep-backend-green-AlarmLow-1b437334' },
      ],
    });
    const { ports, calls } = awsPortsForTest();

    const result = await ports.scaling.putScalingPolicy('arn:aws:ecs:us-east-1:123456789012:cluster/aep-prod', 'aep-backend-green', {
      name: 'cpu50',
      policy: { type: 'TargetTrackingScaling', targetValue: 50, predefinedMetric: { type: 'ECSServiceAverageCPUUtilization' }, scaleOutCooldownSeconds: 60, disableScaleIn: false },
    });

    expect(autoscaling.commandCalls(PutScalingPolicyCommand)[0]?.args[0].input).toEqual({
      PolicyName: 'cpu50',
      ServiceNamespace: 'ecs',
      ResourceId: 'service/aep-prod/aep-backend-green',
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 60,
        DisableScaleIn: false,
      },
    });
    expect(result.alarms.map((a) => a.name)).toEqual([
      'TargetTracking-service/aep-prod/aep-backend-green-AlarmHigh-d4f0770c',
      'TargetTracking-service/aep-prod/aep-backend-green-AlarmLow-1b437334',
    ]);
    expect(result.policyArn).toMatch(/:policyName\/cpu50$/);
    expect(calls).toEqual([{ service: 'application-autoscaling', operation: 'PutScalingPolicy', outcome: 'ok' }]);
  });

  it('sends a step scaling policy with its bounds, magnitude, cooldown and aggregation', async () => {
    autoscaling.on(PutScalingPolicyCommand).resolves({ PolicyARN: 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:resource/ecs/service/aep-prod/worker:policyName/burst' });
    const { ports } = awsPortsForTest();

    await ports.scaling.putScalingPolicy('aep-prod', 'worker', {
      name: 'burst',
      policy: {
        type: 'StepScaling',
        adjustmentType: 'PercentChangeInCapacity',
        stepAdjustments: [{ lowerBound: 0, upperBound: 20, scalingAdjustment: 10 }, { lowerBound: 20, scalingAdjustment: 50 }],
        minAdjustmentMagnitude: 2,
        cooldownSeconds: 120,
        metricAggregationType: 'Maximum',
      },
    });

    expect(autoscaling.commandCalls(PutScalingPolicyCommand)[0]?.args[0].input).toEqual({
      PolicyName: 'burst',
      ServiceNamespace: 'ecs',
      ResourceId: 'service/aep-prod/worker',
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'PercentChangeInCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 10 },
          { MetricIntervalLowerBound: 20, ScalingAdjustment: 50 },
        ],
        MinAdjustmentMagnitude: 2,
        Cooldown: 120,
        MetricAggregationType: 'Maximum',
      },
    });
  });
});

describe('AwsScaling.putScheduledAction', () => {
  it('sends the schedule, time zone, window and capacities', async () => {
    autoscaling.on(PutScheduledActionCommand).resolves({});
    const { ports } = awsPortsForTest();

    await ports.scaling.putScheduledAction('aep-prod', 'aep-backend-green', {
      name: 'business-hours',
      schedule: 'cron(0 8 ? * MON-FRI *)',
      timezone: 'Europe/Paris',
      startTime: Date.parse('2026-03-01T00:00:00Z'),
      minCapacity: 4,
    });

    expect(autoscaling.commandCalls(PutScheduledActionCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ScheduledActionName: 'business-hours',
      ResourceId: 'service/aep-prod/aep-backend-green',
      ScalableDimension: 'ecs:service:DesiredCount',
      Schedule: 'cron(0 8 ? * MON-FRI *)',
      Timezone: 'Europe/Paris',
      StartTime: new Date('2026-03-01T00:00:00Z'),
      ScalableTargetAction: { MinCapacity: 4 },
    });
  });
});

describe('AwsScaling.describeScalingActivities', () => {
  it('reads the service activities, newest first as AWS lists them', async () => {
    autoscaling.on(DescribeScalingActivitiesCommand).resolves({
      ScalingActivities: [
        {
          ActivityId: 'e6c5f7d1-1d3a-4e2b-9c2f-2b1f6c3d4e5f',
          ServiceNamespace: 'ecs',
          ResourceId: 'service/aep-prod/aep-backend-green',
          ScalableDimension: 'ecs:service:DesiredCount',
          Description: 'Setting desired count to 4.',
          Cause: 'monitor alarm TargetTracking-service/aep-prod/aep-backend-green-AlarmHigh-d4f0770c in state ALARM triggered policy cpu50',
          StartTime: new Date('2026-03-02T09:12:00.000Z'),
          EndTime: new Date('2026-03-02T09:12:31.000Z'),
          StatusCode: 'Successful',
          StatusMessage: 'Successfully set desired count to 4. Change successfully fulfilled by ecs.',
        },
        {
          ActivityId: '0b7a2c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
          ServiceNamespace: 'ecs',
          ResourceId: 'service/aep-prod/aep-backend-green',
          ScalableDimension: 'ecs:service:DesiredCount',
          Description: 'Setting desired count to 2.',
          Cause: 'scheduled action name night was triggered',
          StartTime: new Date('2026-03-01T22:00:00.000Z'),
          StatusCode: 'InProgress',
        },
      ],
    });
    const { ports } = awsPortsForTest();

    const list = await ports.scaling.describeScalingActivities('aep-prod', 'aep-backend-green', { limit: 20 });

    expect(autoscaling.commandCalls(DescribeScalingActivitiesCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/aep-prod/aep-backend-green',
      ScalableDimension: 'ecs:service:DesiredCount',
      MaxResults: 20,
    });
    expect(list).toEqual([
      {
        activityId: 'e6c5f7d1-1d3a-4e2b-9c2f-2b1f6c3d4e5f',
        resourceId: 'service/aep-prod/aep-backend-green',
        description: 'Setting desired count to 4.',
        cause: 'monitor alarm TargetTracking-service/aep-prod/aep-backend-green-AlarmHigh-d4f0770c in state ALARM triggered policy cpu50',
        startTime: Date.parse('2026-03-02T09:12:00.000Z'),
        endTime: Date.parse('2026-03-02T09:12:31.000Z'),
        statusCode: 'Successful',
        statusMessage: 'Successfully set desired count to 4. Change successfully fulfilled by ecs.',
      },
      {
        activityId: '0b7a2c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
        resourceId: 'service/aep-prod/aep-backend-green',
        description: 'Setting desired count to 2.',
        cause: 'scheduled action name night was triggered',
        startTime: Date.parse('2026-03-01T22:00:00.000Z'),
        statusCode: 'InProgress',
      },
    ]);
  });
});

describe('AwsScaling.describeScalableTargets', () => {
  it('asks for 50 resource IDs a call, follows NextToken, and answers in the order asked', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).callsFake((input: { ResourceIds: string[]; NextToken?: string }) => {
      const owned = input.ResourceIds.filter((id) => id.endsWith('-scaled'));
      // The first page of the first call holds one target, the rest come on a second page.
      const page = input.NextToken ? owned.slice(1) : owned.slice(0, 1);
      return {
        ScalableTargets: page.map((id) => ({ ServiceNamespace: 'ecs', ResourceId: id, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 8, RoleARN: 'r', CreationTime: new Date(0) })),
        ...(input.NextToken || owned.length <= 1 ? {} : { NextToken: 'next' }),
      };
    });
    const { ports } = awsPortsForTest();
    const asked = Array.from({ length: 60 }, (_, i) => ({ cluster: 'arn:aws:ecs:us-east-1:1:cluster/prod', service: i % 20 === 0 ? `svc-${i}-scaled` : `svc-${i}` }));
    const answers = await ports.scaling.describeScalableTargets!(asked);
    expect(answers.map((a) => a?.resourceId)).toEqual(asked.map((s) => (s.service.endsWith('-scaled') ? `service/prod/${s.service}` : undefined)));
    const calls = autoscaling.commandCalls(DescribeScalableTargetsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.ResourceIds?.length, c.MaxResults, c.NextToken])).toEqual([
      [50, 50, undefined],
      [50, 50, 'next'],
      [10, 50, undefined],
    ]);
  });
});
