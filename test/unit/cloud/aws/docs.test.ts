// docs/aws.md is what people copy into IAM policies: it must name every call the adapters make.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url);
const docs = readFileSync(new URL('docs/aws.md', root), 'utf8');
const IAM_PREFIX: Record<string, string> = {
  'ecs.ts': 'ecs',
  'elb.ts': 'elasticloadbalancing',
  'route53.ts': 'route53',
  'cloudwatch.ts': 'cloudwatch',
  'autoscaling.ts': 'application-autoscaling',
  'ecr.ts': 'ecr',
};

describe('docs/aws.md', () => {
  it('lists the IAM action of every AWS operation the adapters call', () => {
    const actions = Object.entries(IAM_PREFIX).flatMap(([file, prefix]) => {
      const source = readFileSync(new URL(`src/cloud/aws/${file}`, root), 'utf8');
      return [...source.matchAll(/this\.call\('([A-Za-z]+)'/g)].map((m) => `${prefix}:${m[1]}`);
    });
    expect(actions.length).toBeGreaterThan(15);
    for (const action of new Set(actions)) expect(docs).toContain(`"${action}"`);
  });

  it('names every error code', () => {
    const errors = readFileSync(new URL('src/cloud/errors.ts', root), 'utf8');
    const union = /export type CloudErrorCode =([^;]+);/.exec(errors)?.[1] ?? '';
    const codes = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]);
    expect(codes).toContain('Throttled');
    for (const code of codes) {
      expect(docs).toContain(`| \`${code}\` |`);
    }
  });
});
