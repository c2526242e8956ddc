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

/**
 * A Route 53 name as Route 53 compares it: lowercase (letters given in upper case or as octal
 * escapes are stored in lowercase), the trailing dot implied, other escapes (`\052` for `*`)
 * read as their character. An escaped period (`\056`) stays escaped: it is no label separator.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
 */
export function normalizeRecordName(name: string): string {
  return name
    .replace(/\\([0-7]{3})/g, (escape, octal: string) => (octal === '056' ? escape : String.fromCharCode(parseInt(octal, 8))))
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * A name as Route 53's API answers it: fully qualified, every character other than a–z, 0–9,
 * `-` and `_` (and the label dots) as a three-digit octal escape, so `*.example.org` lists as
 * `\052.example.org.` (DNS domain name format, Route 53 Developer Guide).
 */
export function apiRecordName(name: string): string {
  const canonical = normalizeRecordName(name);
  const escaped = canonical.replace(/\\056|[^a-z0-9_.-]/g, (ch) => (ch === '\\056' ? ch : `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`));
  return `${escaped}.`;
}
