import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkRelease } from '../../../src/api/semantic.js';
import { formatPath } from '../../../src/api/locate.js';
import type { Release } from '../../../src/api/types.js';

type Editable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const read = (name: string): Editable =>
  parseDocument(readFileSync(new URL(`../../../manifests/examples/${name}`, import.meta.url), 'utf8')).toJS() as Editable;

/** `path: message` of the semantic problems of an example after `edit`. */
function problems(name: string, edit: (r: Editable) => void): string[] {
  const release = read(name);
  edit(release);
  return checkRelease(release as Release).map((f) => `${formatPath(f.path)}: ${f.message}`);
}

const CANARY = 'aep-backend-canary.yaml';
const ROLLING = 'aep-frontend-rolling.yaml';
const ROUTE53 = 'web-route53-blue-green.yaml';
const BASELINE = 'rastup-api-baseline-canary.yaml';

describe('semantic rules', () => {
  it.each([CANARY, ROLLING, ROUTE53, BASELINE])('find nothing wrong in %s', (name) => {
    expect(problems(name, () => {})).toEqual([]);
  });

  it('want different services, target groups and set identifiers per colour', () => {
    expect(problems(CANARY, (r) => (r.spec.strategy.canary.services.green = 'aep-backend-blue'))).toEqual([
      'spec.strategy.canary.services.green: blue and green must use different services (both are "aep-backend-blue")',
    ]);
    const tg = (r: Editable) => r.spec.strategy.canary.traffic.alb.targetGroups;
    expect(problems(CANARY, (r) => (tg(r).green = tg(r).blue))).toEqual([
      expect.stringMatching(/^spec\.strategy\.canary\.traffic\.alb\.targetGroups\.green: blue and green must use different target groups/),
    ]);
    expect(problems(ROUTE53, (r) => (r.spec.strategy.blueGreen.traffic.route53.setIdentifiers.green = 'web-blue'))).toEqual([
      'spec.strategy.blueGreen.traffic.route53.setIdentifiers.green: blue and green must use different set identifiers (both are "web-blue")',
    ]);
  });

  it('want the last weight to be 100, and some weight at all', () => {
    expect(problems(CANARY, (r) => (r.spec.strategy.canary.steps[6].setWeight = 60))).toEqual([
      'spec.strategy.canary.steps[6].setWeight: the last setWeight is 60, so the new colour would never take all traffic: end the steps with - setWeight: 100',
    ]);
    expect(problems(CANARY, (r) => (r.spec.strategy.canary.steps = [{ pause: {} }]))).toEqual([
      'spec.strategy.canary.steps: no step sets a weight, so traffic would never reach the new colour: end the steps with - setWeight: 100',
    ]);
  });

  it('want failFor at least one health interval, the default interval included', () => {
    expect(problems(CANARY, (r) => (r.spec.health.conditions[0].failFor = '10s'))).toEqual([
      'spec.health.conditions[0].failFor: 10s is shorter than the health interval (15s); conditions are measured once per interval, so failFor must be at least 15s',
    ]);
    expect(problems(CANARY, (r) => (r.spec.health.conditions[0].failFor = '15s'))).toEqual([]);
    expect(
      problems(CANARY, (r) => {
        delete r.spec.health.interval;
        r.spec.health.conditions[0].failFor = '14s';
      }),
    ).toHaveLength(1);
    expect(problems(CANARY, (r) => (r.spec.health.interval = '0s'))).toContain('spec.health.interval: must be longer than 0s');
  });

  it('want condition names unique and analysis steps to name existing conditions', () => {
    expect(problems(CANARY, (r) => (r.spec.health.conditions[4].name = 'ready'))).toEqual([
      'spec.health.conditions[4].name: another condition is already named "ready" (spec.health.conditions[0])',
    ]);
    expect(problems(CANARY, (r) => (r.spec.strategy.canary.steps[3].analysis.conditions[1] = 'errors'))).toEqual([
      'spec.strategy.canary.steps[3].analysis.conditions[1]: no health condition is named "errors" (there are ready, errors-5xx, latency-p95, targets, alarm-5xx)',
    ]);
    expect(problems(BASELINE, (r) => delete r.spec.health)).toEqual([
      'spec.strategy.canary.steps[1].analysis: watches spec.health.conditions, but there are none: add conditions or remove the analysis',
      'spec.strategy.canary.steps[3].analysis: watches spec.health.conditions, but there are none: add conditions or remove the analysis',
    ]);
    expect(problems(ROUTE53, (r) => (r.spec.health.conditions = []))).toEqual([
      'spec.strategy.blueGreen.prePromotionAnalysis: watches spec.health.conditions, but there are none: add conditions or remove the analysis',
    ]);
    expect(problems(ROUTE53, (r) => (r.spec.strategy.blueGreen.prePromotionAnalysis.conditions = ['ready', 'latency']))).toEqual([
      'spec.strategy.blueGreen.prePromotionAnalysis.conditions[1]: no health condition is named "latency" (there are live, ready, targets, errors-5xx)',
    ]);
  });

  it('want every ARN in the Release region and account', () => {
    const alb = (r: Editable) => r.spec.strategy.canary.traffic.alb;
    expect(problems(CANARY, (r) => (alb(r).targetGroups.green = alb(r).targetGroups.green.replace('us-east-1', 'eu-west-1')))).toEqual([
      'spec.strategy.canary.traffic.alb.targetGroups.green: is in region eu-west-1, but spec.region is us-east-1',
    ]);
    expect(
      problems(CANARY, (r) => {
        delete r.spec.region;
        alb(r).targetGroups.blue = alb(r).targetGroups.blue.replace('us-east-1', 'eu-west-1');
      }),
    ).toEqual(['spec.strategy.canary.traffic.alb.targetGroups.blue: is in region eu-west-1, but spec.strategy.canary.traffic.alb.listenerArn is in us-east-1']);
    expect(problems(BASELINE, (r) => (alb(r).targetGroups.green = alb(r).targetGroups.green.replace('123456789012', '210987654321')))).toEqual([
      'spec.strategy.canary.traffic.alb.targetGroups.green: is in account 210987654321, but spec.strategy.canary.traffic.alb.ruleArn is in 123456789012',
    ]);
    expect(
      problems(ROLLING, (r) => (r.spec.revision.taskDefinition = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/aep-frontend-prod:8')),
    ).toEqual(['spec.revision.taskDefinition: is in region eu-west-1, but spec.region is us-east-1']);
  });

  it('refuse a baseline comparison where there is no baseline', () => {
    expect(problems(ROLLING, (r) => (r.spec.health.conditions[2].metric = { builtin: 'latencyP95', maxIncreasePercent: 25 }))).toEqual([
      'spec.health.conditions[2].metric.maxIncreasePercent: compares the new colour with the stable one, but a rolling Release has one service; use max or min',
    ]);
  });

  it('catch thresholds that can never be met and overlapping checks', () => {
    expect(problems(CANARY, (r) => (r.spec.health.conditions[1].metric.min = 10))).toEqual([
      'spec.health.conditions[1].metric.min: min 10 is above max 5%, so the condition could never pass',
    ]);
    expect(problems(CANARY, (r) => (r.spec.health.conditions[1].metric.max = 500))).toEqual([
      'spec.health.conditions[1].metric.max: errorRate is a percentage of requests, so max 500 could never be exceeded',
    ]);
    expect(problems(CANARY, (r) => (r.spec.health.conditions[0].http.timeout = '20s'))).toEqual([
      'spec.health.conditions[0].http.timeout: 20s is longer than the health interval (15s); checks would overlap',
    ]);
  });

  it('want exactly one CloudWatch query to return data, with distinct ids', () => {
    const metric = (queries: object[]) => (r: Editable) => {
      r.spec.health.conditions[1].metric = { cloudwatch: { queries }, max: 1 };
    };
    const stat = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', stat: 'Sum' };
    expect(problems(CANARY, metric([{ id: 'a', metricStat: stat }, { id: 'b', expression: 'a * 2' }]))).toEqual([
      'spec.health.conditions[1].metric.cloudwatch.queries: 2 queries return data: set returnData: false on all but the one whose value is compared',
    ]);
    expect(problems(CANARY, metric([{ id: 'a', metricStat: stat, returnData: false }, { id: 'a', expression: 'a * 2' }]))).toEqual([
      'spec.health.conditions[1].metric.cloudwatch.queries[1].id: another query already has id "a"',
    ]);
    expect(problems(CANARY, metric([{ id: 'a', metricStat: stat, returnData: false }]))).toEqual([
      'spec.health.conditions[1].metric.cloudwatch.queries: no query returns data: leave returnData unset (true) on the query whose value is compared',
    ]);
  });
});
