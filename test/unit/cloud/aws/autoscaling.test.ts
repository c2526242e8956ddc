import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
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
