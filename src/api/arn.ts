// Reading ARNs well enough to tell a person which kind they wrote and which kind was expected.
import { show } from './wording.js';

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** The resource type, e.g. `listener-rule`, `targetgroup`, `task-definition`; empty when the ARN has none. */
  resourceType: string;
  resource: string;
}

/** The ARN kinds a Release refers to. */
export type ArnKind = 'listener' | 'listenerRule' | 'targetGroup' | 'taskDefinition' | 'cluster';

const KIND_OF: Record<string, ArnKind> = {
  'elasticloadbalancing:listener': 'listener',
  'elasticloadbalancing:listener-rule': 'listenerRule',
  'elasticloadbalancing:targetgroup': 'targetGroup',
  'ecs:task-definition': 'taskDefinition',
  'ecs:cluster': 'cluster',
};

/** How to name each kind: as an ARN someone wrote, and as what was expected (with its shape). */
export const ARN_KINDS: Record<ArnKind, { arn: string; expected: string; shape: string }> = {
  listener: {
    arn: 'an ALB listener ARN',
    expected: 'an ALB listener ARN',
    shape: 'arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<lb-name>/<lb-id>/<listener-id>',
  },
  listenerRule: {
    arn: 'an ALB listener rule ARN',
    expected: 'an ALB listener rule ARN',
    shape: 'arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/<lb-name>/<lb-id>/<listener-id>/<rule-id>',
  },
  targetGroup: {
    arn: 'a target group ARN',
    expected: 'a target group ARN',
    shape: 'arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>',
  },
  taskDefinition: {
    arn: 'a task definition ARN',
    expected: 'a task definition',
    shape: '<family>:<revision> such as aep-backend-prod:12, or arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>',
  },
  cluster: {
    arn: 'an ECS cluster ARN',
    expected: 'an ECS cluster',
    shape: 'a cluster name, or arn:aws:ecs:<region>:<account>:cluster/<name>',
  },
};

const ARN = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d*):(.*)$/;

export function parseArn(text: string): Arn | undefined {
  const m = ARN.exec(text);
  if (!m) return undefined;
  const [, partition = '', service = '', region = '', account = '', rest = ''] = m;
  const cut = rest.search(/[/:]/);
  const resourceType = cut > 0 ? rest.slice(0, cut) : '';
  const resource = cut > 0 ? rest.slice(cut + 1) : rest;
  return { partition, service, region, account, resourceType, resource };
}

export function arnKind(arn: Arn): ArnKind | undefined {
  return KIND_OF[`${arn.service}:${arn.resourceType}`];
}

/** "an ALB listener rule ARN", "an ecs service ARN", or undefined when text is no ARN. */
export function describeArn(text: string): string | undefined {
  const arn = parseArn(text);
  if (!arn) return undefined;
  const kind = arnKind(arn);
  if (kind) return ARN_KINDS[kind].arn;
  const what = [arn.service, arn.resourceType].filter(Boolean).join(' ');
  return `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} ARN`;
}

/** Why `value` is not of the expected kind, e.g. `"arn:…:listener-rule/…" is an ALB listener rule ARN; expected a target group ARN (arn:…)`. */
export function wrongArnMessage(value: string, expected: ArnKind): string {
  const want = ARN_KINDS[expected];
  const arn = parseArn(value);
  const quoted = show(value); // shortened: a value of any length makes a message of bounded length
  if (arn && arnKind(arn) === expected) return `${quoted} is not well-formed: expected ${want.shape}`;
  const got = describeArn(value);
  if (!got) return `${quoted} is not ${want.expected}: expected ${want.shape}`;
  return `${quoted} is ${got}; expected ${want.expected} (${want.shape})`;
}
