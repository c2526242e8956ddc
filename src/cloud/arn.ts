// ARN pieces that other AWS APIs ask for in a different form: CloudWatch names an ALB and a
// target group by the ARN's resource suffix. (Task definitions: task-definition-ref.ts.)
import { CloudError } from './errors.js';

/** The resource part of an ARN (everything after the fifth colon). */
function resourceOf(arn: string, service: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== service) return undefined;
  return parts.slice(5).join(':');
}

function invalid(kind: string, arn: string): CloudError {
  return new CloudError('Invalid', `not a ${kind} ARN: "${arn}"`);
}

const TARGET_GROUP_SUFFIX = /^targetgroup\/[^/]+\/[^/]+$/;
const LOAD_BALANCER_SUFFIX = /^(?:app|net|gwy)\/[^/]+\/[^/]+$/;

/**
 * `arn:aws:elasticloadbalancing:…:targetgroup/name/id` → `targetgroup/name/id`, the value of
 * CloudWatch's `TargetGroup` dimension. A suffix passed in is returned as it is.
 */
export function targetGroupArnSuffix(arn: string): string {
  const suffix = arn.startsWith('arn:') ? resourceOf(arn, 'elasticloadbalancing') : arn;
  if (suffix === undefined || !TARGET_GROUP_SUFFIX.test(suffix)) throw invalid('target group', arn);
  return suffix;
}

/**
 * `arn:aws:elasticloadbalancing:…:loadbalancer/app/name/id` → `app/name/id`, the value of
 * CloudWatch's `LoadBalancer` dimension. A suffix passed in is returned as it is.
 */
export function loadBalancerArnSuffix(arn: string): string {
  const resource = arn.startsWith('arn:') ? resourceOf(arn, 'elasticloadbalancing') : `loadbalancer/${arn}`;
  const suffix = resource?.startsWith('loadbalancer/') ? resource.slice('loadbalancer/'.length) : undefined;
  if (suffix === undefined || !LOAD_BALANCER_SUFFIX.test(suffix)) throw invalid('load balancer', arn);
  return suffix;
}
