// What each `pattern` in the schema means, in words: ajv only says "must match pattern".
import { wrongArnMessage } from './arn.js';
import { releaseSchema } from './schema.js';
import { show } from './wording.js';

type Help = (value: string) => string;

const ECS_NAME: Help = (v) => `${show(v)} is not a valid ECS name: use letters, digits, '-' and '_', at most 255 characters`;

/** By JSON pointer of the schema object that holds the pattern; test/unit/api/schema.test.ts checks none is missing. */
export const PATTERN_HELP: Readonly<Record<string, Help>> = {
  '/$defs/duration': (v) => `${show(v)} is not a duration (use e.g. 30s, 5m, 1h30m)`,
  '/$defs/dnsLabel': (v) =>
    `${show(v)} is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
  '/$defs/serviceName': ECS_NAME,
  '/$defs/timeZone': (v) => `${show(v)} is not an IANA time zone name such as Europe/Berlin, America/Los_Angeles or UTC`,
  '/$defs/approvalGate/properties/group': (v) =>
    `${show(v)} is not a group name: use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters`,
  '/$defs/imageRevision/properties/container': ECS_NAME,
  '/$defs/targetGroupArn': (v) => wrongArnMessage(v, 'targetGroup'),
  '/$defs/listenerArn': (v) => wrongArnMessage(v, 'listener'),
  '/$defs/listenerRuleArn': (v) => wrongArnMessage(v, 'listenerRule'),
  '/$defs/releaseSpec/properties/cluster': (v) => wrongArnMessage(v, 'cluster'),
  '/$defs/revision/oneOf/0/properties/taskDefinition': (v) => wrongArnMessage(v, 'taskDefinition'),
  '/$defs/releaseSpec/properties/region': (v) => `${show(v)} is not an AWS region such as us-east-1`,
  '/$defs/imageRevision/properties/uri': (v) =>
    `${show(v)} is not an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:<64 hex digits>`,
  '/$defs/route53Traffic/properties/hostedZoneId': (v) => `${show(v)} is not a hosted zone id such as Z0123456789ABCDEFGHIJ`,
  '/$defs/route53Traffic/properties/recordName': (v) => `${show(v)} is not a DNS name such as app.example.org`,
  '/$defs/httpCheck/properties/url': (v) => {
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const control = /[\u0000-\u001f\u007f]/.exec(v);
    if (!control) return `${show(v)} is not an http:// or https:// URL`;
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `holds the control character U+${code}; a URL cannot contain control characters`;
  },
  '/$defs/latencyThreshold': (v) => `${show(v)} is not a latency: write a number with ms or s, e.g. 400ms or 1.5s`,
  '/$defs/percentThreshold': (v) => `${show(v)} is not a percent: write e.g. 5% (or a bare 5)`,
  '/$defs/metricQuery/properties/id': (v) =>
    `${show(v)} is not a CloudWatch query id: start with a lowercase letter, then letters, digits and '_'`,
  '/$defs/releaseMetadata/properties/labels/propertyNames': (v) =>
    `${show(v)} is not a valid label key: letters, digits, '-', '_' and '.', optionally after a DNS prefix and '/'`,
  '/$defs/job/properties/environment/propertyNames': (v) =>
    `${show(v)} is not an environment variable name: letters, digits and '_', not starting with a digit`,
  '/$defs/releaseMetadata/properties/labels/additionalProperties': (v) =>
    `${show(v)} is not a valid label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
};

/** Every pattern in the schema, with the pointer of the schema object that holds it. */
export function schemaPatterns(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'pattern' && typeof child === 'string' && !found.has(child)) found.set(child, pointer);
      else walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(releaseSchema, '');
  return found;
}

let byPattern: Map<string, Help> | undefined;

/** The explanation for a value failing `pattern`, or undefined for a pattern without one. */
export function explainPattern(pattern: string, value: string): string | undefined {
  if (!byPattern) {
    byPattern = new Map();
    for (const [source, pointer] of schemaPatterns()) {
      const help = PATTERN_HELP[pointer];
      if (help) byPattern.set(source, help);
    }
  }
  return byPattern.get(pattern)?.(value);
}

/** The duration pattern, to tell duration problems (code `duration`) from the rest. */
export const DURATION_PATTERN = (releaseSchema.$defs as { duration: { pattern: string } }).duration.pattern;
