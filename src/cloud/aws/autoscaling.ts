// ScalingPort on the Application Auto Scaling API.
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { ScalableTarget, ScalingPort } from '../ports.js';
import { lastSegment } from './batch.js';
import type { AwsCall } from './call.js';

export class AwsScaling implements ScalingPort {
  constructor(
    private readonly client: ApplicationAutoScalingClient,
    private readonly call: AwsCall,
  ) {}

  async describeScalableTarget(cluster: string, service: string): Promise<ScalableTarget | undefined> {
    // Application Auto Scaling names an ECS service by cluster and service name, never by ARN.
    const resourceId = `service/${lastSegment(cluster)}/${lastSegment(service)}`;
    const out = await this.call('DescribeScalableTargets', () =>
      this.client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: 'ecs',
          ResourceIds: [resourceId],
          ScalableDimension: 'ecs:service:DesiredCount',
        }),
      ),
    );
    const target = out.ScalableTargets?.[0];
    if (!target) return undefined;
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
}
