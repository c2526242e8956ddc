// ARN helpers for the simulated world: names and CloudWatch dimensions are read from ARNs the
// way AWS forms them, so a world file needs only the ARNs.

/** The part after the fifth colon: `targetgroup/name/id`, `listener/app/lb/id/id`… */
export function arnResource(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

/** CloudWatch `TargetGroup` dimension: `targetgroup/name/id`. */
export function targetGroupDimension(targetGroupArn: string): string {
  return arnResource(targetGroupArn);
}

/** CloudWatch `LoadBalancer` dimension: `app/name/id`. */
export function loadBalancerDimension(loadBalancerArn: string): string {
  return arnResource(loadBalancerArn).replace(/^loadbalancer\//, '');
}

export function targetGroupName(targetGroupArn: string): string {
  return arnResource(targetGroupArn).split('/')[1] ?? targetGroupArn;
}

export function loadBalancerName(loadBalancerArn: string): string {
  return loadBalancerDimension(loadBalancerArn).split('/')[1] ?? loadBalancerArn;
}

function arnPrefix(arn: string): string {
  return arn.split(':').slice(0, 5).join(':');
}

/** `…:listener/app/lb/lbid/lid` → `…:loadbalancer/app/lb/lbid`. */
export function loadBalancerOfListener(listenerArn: string): string {
  const parts = arnResource(listenerArn).split('/');
  return `${arnPrefix(listenerArn)}:loadbalancer/${parts.slice(1, 4).join('/')}`;
}

/** `…:listener-rule/app/lb/lbid/lid/rid` → `…:listener/app/lb/lbid/lid`. */
export function listenerOfRule(ruleArn: string): string {
  const parts = arnResource(ruleArn).split('/');
  return `${arnPrefix(ruleArn)}:listener/${parts.slice(1, 5).join('/')}`;
}

export function isListenerArn(arn: string): boolean {
  return /^arn:aws[\w-]*:elasticloadbalancing:[^:]*:\d*:listener\/(app|net)\/[^/]+\/[^/]+\/[^/]+$/.test(arn);
}

export function isRuleArn(arn: string): boolean {
  return /^arn:aws[\w-]*:elasticloadbalancing:[^:]*:\d*:listener-rule\/(app|net)\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/.test(arn);
}

export function isTargetGroupArn(arn: string): boolean {
  return /^arn:aws[\w-]*:elasticloadbalancing:[^:]*:\d*:targetgroup\/[^/]+\/[^/]+$/.test(arn);
}

export function isLoadBalancerArn(arn: string): boolean {
  return /^arn:aws[\w-]*:elasticloadbalancing:[^:]*:\d*:loadbalancer\/(app|net)\/[^/]+\/[^/]+$/.test(arn);
}

/** Route53 names compare without case and without the final dot. */
export function normalizeRecordName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
