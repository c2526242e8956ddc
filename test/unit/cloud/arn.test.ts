import { describe, expect, it } from 'vitest';
import { loadBalancerArnSuffix, targetGroupArnSuffix } from '../../../src/cloud/arn.js';
import { familyRevision, sameRevision } from '../../../src/cloud/task-definition-ref.js';
import { isCloudError } from '../../../src/cloud/errors.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-backend-green/2453ed029918f21f';
const ALB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/aep-prod-alb/50dc6c495c0c9188';

describe('ARN suffixes for CloudWatch dimensions', () => {
  it('gives the TargetGroup dimension of a target group ARN', () => {
    expect(targetGroupArnSuffix(TG)).toBe('targetgroup/aep-backend-green/2453ed029918f21f');
  });

  it('gives the LoadBalancer dimension of an ALB and an NLB ARN', () => {
    expect(loadBalancerArnSuffix(ALB)).toBe('app/aep-prod-alb/50dc6c495c0c9188');
    expect(loadBalancerArnSuffix('arn:aws-cn:elasticloadbalancing:cn-north-1:1:loadbalancer/net/n/abc')).toBe('net/n/abc');
  });

  it('accepts a suffix that is already in CloudWatch form', () => {
    expect(targetGroupArnSuffix('targetgroup/a/b')).toBe('targetgroup/a/b');
    expect(loadBalancerArnSuffix('app/a/b')).toBe('app/a/b');
  });

  it.each([
    ['a listener ARN as a target group', () => targetGroupArnSuffix(ALB.replace('loadbalancer/', 'listener/'))],
    ['a load balancer ARN as a target group', () => targetGroupArnSuffix(ALB)],
    ['a target group ARN as a load balancer', () => loadBalancerArnSuffix(TG)],
    ['an ECS ARN as a target group', () => targetGroupArnSuffix('arn:aws:ecs:us-east-1:1:targetgroup/a/b')],
    ['garbage', () => targetGroupArnSuffix('nonsense')],
  ])('rejects %s with an Invalid CloudError', (_what, call) => {
    let caught: unknown;
    try {
      call();
    } catch (err) {
      caught = err;
    }
    expect(isCloudError(caught, 'Invalid')).toBe(true);
  });
});

describe('task definition references', () => {
  const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/aep-backend-prod:12';

  it('turns an ARN into family:revision and keeps a reference as it is', () => {
    expect(familyRevision(arn)).toBe('aep-backend-prod:12');
    expect(familyRevision('aep-backend-prod:12')).toBe('aep-backend-prod:12');
    expect(familyRevision('aep-backend-prod')).toBeUndefined();
  });

  it('compares an ARN with a family:revision reference', () => {
    expect(sameRevision(arn, 'aep-backend-prod:12')).toBe(true);
    expect(sameRevision(arn, 'aep-backend-prod:11')).toBe(false);
    expect(sameRevision(undefined, 'aep-backend-prod:11')).toBe(false);
  });

  it('does not take an ARN of another resource for a task definition', () => {
    expect(familyRevision('arn:aws:ecs:us-east-1:123456789012:service/c/s')).toBeUndefined();
  });
});
