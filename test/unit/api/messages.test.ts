import { readFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';

const example = readFileSync(new URL('../../../manifests/examples/aep-backend-canary.yaml', import.meta.url), 'utf8');

/** `path: message` of every problem of the canary example after `edit`. */
function problemsAfter(edit: (release: Record<string, any>) => void): string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const release = parseDocument(example).toJS() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  edit(release);
  return parseReleases(stringify(release), 'm.yaml').releases.flatMap((r) => r.problems.map((p) => `${p.path}: ${p.message}`));
}

describe('validation messages', () => {
  it('say what the limit is and what was written', () => {
    expect(problemsAfter((r) => (r.spec.strategy.canary.steps[4].setWeight = 150))).toEqual([
      'spec.strategy.canary.steps[4].setWeight: must be at most 100 (got 150)',
    ]);
    expect(problemsAfter((r) => (r.spec.replicas = -2))).toEqual(['spec.replicas: must be at least 0 (got -2)']);
    expect(problemsAfter((r) => (r.spec.replicas = 1.5))).toEqual(['spec.replicas: must be a whole number (got 1.5)']);
  });

  it('suggest the field a typo was meant to be', () => {
    expect(
      problemsAfter((r) => {
        r.spec.strateg = r.spec.strategy;
        delete r.spec.strategy;
      }),
    ).toEqual(['spec.strategy: missing required field', 'spec.strateg: unknown field "strateg" (did you mean "strategy"?)']);
    expect(problemsAfter((r) => (r.spec.rollback.bakeTme = '1m'))).toEqual([
      'spec.rollback.bakeTme: unknown field "bakeTme" (did you mean "bakeTime"?)',
    ]);
  });

  it('list the known fields when nothing is close', () => {
    expect(problemsAfter((r) => (r.spec.rollback.whenever = true))).toEqual([
      'spec.rollback.whenever: unknown field "whenever" (expected auto or bakeTime)',
    ]);
  });

  it('explain durations with examples, under their own code', () => {
    const text = stringify({ ...(parseDocument(example).toJS() as object) }).replace('failFor: 2m', 'failFor: 2 minutes');
    const [problem] = parseReleases(text, 'm.yaml').releases.flatMap((r) => r.problems);
    expect(problem).toMatchObject({
      path: 'spec.health.conditions[0].failFor',
      message: '"2 minutes" is not a duration (use e.g. 30s, 5m, 1h30m)',
      code: 'duration',
    });
    expect(problemsAfter((r) => (r.spec.health.interval = 15))).toEqual([
      'spec.health.interval: 15 is not a duration (use e.g. 30s, 5m, 1h30m)',
    ]);
  });

  it('collapse a union with nothing chosen into one sentence', () => {
    expect(problemsAfter((r) => (r.spec.strategy = {}))).toEqual(['spec.strategy: set exactly one of rolling, canary, blueGreen']);
    expect(problemsAfter((r) => (r.spec.health.conditions[3] = { name: 'alarm-5xx' }))).toEqual([
      'spec.health.conditions[3]: set exactly one of http, targetHealth, metric, alarm',
    ]);
  });

  it('collapse a union with two chosen into one sentence, and still check each', () => {
    expect(
      problemsAfter((r) => (r.spec.strategy.rolling = { service: 'aep-backend-blue', extra: 1 })),
    ).toEqual([
      'spec.strategy: set exactly one of rolling, canary, blueGreen, not rolling and canary',
      'spec.strategy.rolling.extra: unknown field "extra" (expected service or approval)',
    ]);
  });

  it('report only the chosen branch of a union when it has a mistake', () => {
    expect(problemsAfter((r) => (r.spec.strategy.canary.traffic.alb.targetGroups.green = 'tg-green'))).toEqual([
      'spec.strategy.canary.traffic.alb.targetGroups.green: "tg-green" is not a target group ARN: expected arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>',
    ]);
  });

  it('say which kind of ARN was written where another kind belongs', () => {
    const alb = (r: Record<string, any>) => r.spec.strategy.canary.traffic.alb; // eslint-disable-line @typescript-eslint/no-explicit-any
    const [problem] = problemsAfter((r) => {
      alb(r).listenerArn = alb(r).targetGroups.blue;
    });
    expect(problem).toMatch(/^spec\.strategy\.canary\.traffic\.alb\.listenerArn: ".*" is a target group ARN; expected an ALB listener ARN \(arn:aws:elasticloadbalancing:<region>/);
    const [rule] = problemsAfter((r) => {
      alb(r).ruleArn = alb(r).listenerArn;
      delete alb(r).listenerArn;
    });
    expect(rule).toMatch(/ruleArn: ".*" is an ALB listener ARN; expected an ALB listener rule ARN/);
  });

  it('ask for exactly one of listenerArn and ruleArn', () => {
    const alb = (r: Record<string, any>) => r.spec.strategy.canary.traffic.alb; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(problemsAfter((r) => delete alb(r).listenerArn)).toEqual([
      'spec.strategy.canary.traffic.alb: set exactly one of listenerArn, ruleArn',
    ]);
  });

  it('ask for a threshold on a metric without one', () => {
    expect(problemsAfter((r) => delete r.spec.health.conditions[1].metric.max)).toEqual([
      'spec.health.conditions[1].metric: set at least one of max, min, maxIncrease, maxIncreasePercent',
    ]);
  });

  it('name the allowed values of an enum and the required constant', () => {
    expect(problemsAfter((r) => (r.spec.health.conditions[1].metric.builtin = 'errors'))).toEqual([
      'spec.health.conditions[1].metric.builtin: must be one of "errorRate", "latencyP95" or "latencyP99" (got "errors")',
    ]);
    expect(problemsAfter((r) => (r.apiVersion = 'v1'))).toEqual(['apiVersion: must be "keelson.dev/v1alpha1" (got "v1")']);
  });

  it('describe wrong types in YAML words', () => {
    expect(problemsAfter((r) => (r.spec.strategy.canary.steps = { setWeight: 10 }))).toEqual([
      'spec.strategy.canary.steps: must be a list (got a mapping)',
    ]);
    expect(problemsAfter((r) => (r.spec.strategy = 'canary'))).toEqual([
      'spec.strategy: must be a mapping with exactly one of rolling, canary, blueGreen (got "canary")',
    ]);
    expect(problemsAfter((r) => (r.spec.rollback.auto = 'yes'))).toEqual(['spec.rollback.auto: must be true or false (got "yes")']);
  });

  it('quote keys that are not plain words in paths', () => {
    expect(problemsAfter((r) => (r.metadata.labels['app.kubernetes.io/part of'] = 'x'))).toEqual([
      'metadata.labels["app.kubernetes.io/part of"]: "app.kubernetes.io/part of" is not a valid label key: letters, digits, \'-\', \'_\' and \'.\', optionally after a DNS prefix and \'/\'',
    ]);
  });

  it('report each mistake once, never in ajv wording', () => {
    const all = problemsAfter((r) => {
      r.spec.revision = { taskDefinition: 'a:1', image: { container: 'c', uri: 'x' } };
      r.spec.strategy.canary.steps.push({}, { pause: {}, setWeight: 5 }, { analysis: {} });
      r.spec.health.conditions.push({ name: 'x', http: {}, alarm: {} }, { nam: 'y' });
    });
    expect(all).toEqual([
      'spec.revision: set exactly one of taskDefinition, image, not taskDefinition and image',
      'spec.strategy.canary.steps[7]: set exactly one of setWeight, pause, analysis, job, http, approval',
      'spec.strategy.canary.steps[8]: set exactly one of setWeight, pause, analysis, job, http, approval, not setWeight and pause',
      'spec.strategy.canary.steps[9].analysis.duration: missing required field',
      'spec.health.conditions[5]: set exactly one of http, targetHealth, metric, alarm, not http and alarm',
      'spec.health.conditions[5].http.url: missing required field',
      'spec.health.conditions[5].alarm.name: missing required field',
      'spec.health.conditions[6]: set exactly one of http, targetHealth, metric, alarm',
      'spec.health.conditions[6].name: missing required field',
      'spec.health.conditions[6].nam: unknown field "nam" (did you mean "name"?)',
    ]);
    for (const line of all) expect(line).not.toMatch(/must match|must have required property|must NOT have|schema|oneOf|anyOf|"if"/);
  });
});
