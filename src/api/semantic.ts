// Rules the schema cannot express, checked on a Release that already matches the schema.
import { parseArn } from './arn.js';
import { DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import type { FieldPath } from './locate.js';
import { formatPath } from './locate.js';
import { checkGates } from './gate-checks.js';
import { metricThresholds } from './quantity.js';
import { checkSchedule } from './schedule-checks.js';
import { checkJobs } from './semantic-jobs.js';
import type { Finding } from './schema-errors.js';
import type {
  AlbTraffic,
  BlueGreenStrategy,
  CanaryStrategy,
  HealthCondition,
  MetricCheck,
  Release,
  ReleaseSpec,
  Step,
  TrafficSpec,
} from './types.js';

const problem = (path: FieldPath, message: string): Finding => ({ path, anchor: 'value', message, code: 'semantic' });

/** Every semantic problem of a schema-valid Release. */
export function checkRelease(release: Release): Finding[] {
  const { spec } = release;
  const at: FieldPath = ['spec'];
  const strategy = spec.strategy;
  const out: Finding[] = [];
  if ('canary' in strategy && strategy.canary) {
    out.push(...checkColours(strategy.canary, [...at, 'strategy', 'canary']));
    out.push(...checkSteps(strategy.canary.steps, [...at, 'strategy', 'canary', 'steps']));
  } else if ('blueGreen' in strategy && strategy.blueGreen) {
    out.push(...checkColours(strategy.blueGreen, [...at, 'strategy', 'blueGreen']));
  }
  out.push(...checkHealth(spec, 'rolling' in strategy && strategy.rolling !== undefined));
  out.push(...checkAnalysisReferences(spec));
  out.push(...checkArnPlaces(spec));
  out.push(...checkGates(release));
  out.push(...checkSchedule(spec.schedule).map((p) => problem([...at, 'schedule', ...p.at], p.message)));
  out.push(...checkJobs(spec));
  return out;
}

function checkColours(strategy: CanaryStrategy | BlueGreenStrategy, at: FieldPath): Finding[] {
  const out: Finding[] = [];
  const differ = (pair: { blue: string; green: string }, path: FieldPath, what: string): void => {
    if (pair.blue === pair.green) out.push(problem([...path, 'green'], `blue and green must use different ${what} (both are ${JSON.stringify(pair.blue)})`));
  };
  differ(strategy.services, [...at, 'services'], 'services');
  const traffic: TrafficSpec = strategy.traffic;
  if ('alb' in traffic && traffic.alb) differ(traffic.alb.targetGroups, [...at, 'traffic', 'alb', 'targetGroups'], 'target groups');
  if ('route53' in traffic && traffic.route53) {
    differ(traffic.route53.setIdentifiers, [...at, 'traffic', 'route53', 'setIdentifiers'], 'set identifiers');
  }
  return out;
}

function checkSteps(steps: Step[], at: FieldPath): Finding[] {
  let last: { index: number; weight: number } | undefined;
  steps.forEach((step, index) => {
    if ('setWeight' in step) last = { index, weight: step.setWeight };
  });
  if (!last) {
    return [problem(at, 'no step sets a weight, so traffic would never reach the new colour: end the steps with - setWeight: 100')];
  }
  if (last.weight !== 100) {
    return [
      problem(
        [...at, last.index, 'setWeight'],
        `the last setWeight is ${last.weight}, so the new colour would never take all traffic: end the steps with - setWeight: 100`,
      ),
    ];
  }
  return [];
}

function checkHealth(spec: ReleaseSpec, rolling: boolean): Finding[] {
  const at: FieldPath = ['spec', 'health'];
  const out: Finding[] = [];
  const intervalText = spec.health?.interval ?? DEFAULTS.healthInterval;
  const interval = parseDuration(intervalText);
  if (interval <= 0) out.push(problem([...at, 'interval'], 'must be longer than 0s'));
  const names = new Map<string, number>();
  (spec.health?.conditions ?? []).forEach((condition, i) => {
    const path: FieldPath = [...at, 'conditions', i];
    const first = names.get(condition.name);
    if (first === undefined) names.set(condition.name, i);
    else out.push(problem([...path, 'name'], `another condition is already named ${JSON.stringify(condition.name)} (${formatPath([...at, 'conditions', first])})`));
    if (condition.failFor !== undefined && interval > 0 && parseDuration(condition.failFor) < interval) {
      out.push(
        problem(
          [...path, 'failFor'],
          `${condition.failFor} is shorter than the health interval (${intervalText}); conditions are measured once per interval, so failFor must be at least ${intervalText}`,
        ),
      );
    }
    out.push(...checkCondition(condition, path, intervalText, rolling));
  });
  return out;
}

function checkCondition(condition: HealthCondition, at: FieldPath, intervalText: string, rolling: boolean): Finding[] {
  const out: Finding[] = [];
  if ('http' in condition && condition.http?.timeout !== undefined) {
    if (parseDuration(condition.http.timeout) > parseDuration(intervalText)) {
      out.push(problem([...at, 'http', 'timeout'], `${condition.http.timeout} is longer than the health interval (${intervalText}); checks would overlap`));
    }
  }
  if ('metric' in condition && condition.metric) out.push(...checkMetric(condition.metric, [...at, 'metric'], rolling));
  return out;
}

function checkMetric(metric: MetricCheck, at: FieldPath, rolling: boolean): Finding[] {
  const out: Finding[] = [];
  const t = metricThresholds(metric);
  if (t.min !== undefined && t.max !== undefined && t.min > t.max) {
    out.push(problem([...at, 'min'], `min ${String(metric.min)} is above max ${String(metric.max)}, so the condition could never pass`));
  }
  if (rolling) {
    for (const field of ['maxIncrease', 'maxIncreasePercent'] as const) {
      if (metric[field] !== undefined) {
        out.push(problem([...at, field], `compares the new colour with the stable one, but a rolling Release has one service; use max or min`));
      }
    }
  }
  if (metric.builtin === 'errorRate' && t.max !== undefined && t.max > 100) {
    out.push(problem([...at, 'max'], `errorRate is a percentage of requests, so max ${String(metric.max)} could never be exceeded`));
  }
  const queries = metric.cloudwatch?.queries ?? [];
  const ids = new Set<string>();
  queries.forEach((query, i) => {
    if (ids.has(query.id)) out.push(problem([...at, 'cloudwatch', 'queries', i, 'id'], `another query already has id ${JSON.stringify(query.id)}`));
    ids.add(query.id);
  });
  const returning = queries.filter((q) => q.returnData !== false).length;
  if (metric.cloudwatch && returning !== 1) {
    out.push(
      problem(
        [...at, 'cloudwatch', 'queries'],
        returning === 0
          ? 'no query returns data: leave returnData unset (true) on the query whose value is compared'
          : `${returning} queries return data: set returnData: false on all but the one whose value is compared`,
      ),
    );
  }
  return out;
}

function checkAnalysisReferences(spec: ReleaseSpec): Finding[] {
  const conditions = spec.health?.conditions ?? [];
  const names = conditions.map((c) => c.name);
  const out: Finding[] = [];
  const strategy = spec.strategy;
  const noConditions = 'watches spec.health.conditions, but there are none: add conditions or remove the analysis';
  if ('canary' in strategy && strategy.canary) {
    strategy.canary.steps.forEach((step, i) => {
      if (!('analysis' in step)) return;
      const at: FieldPath = ['spec', 'strategy', 'canary', 'steps', i, 'analysis'];
      if (names.length === 0) out.push(problem(at, noConditions));
      out.push(...unknownConditions(at, step.analysis.conditions, names));
    });
  }
  const pre = 'blueGreen' in strategy ? strategy.blueGreen?.prePromotionAnalysis : undefined;
  if (pre) {
    const at: FieldPath = ['spec', 'strategy', 'blueGreen', 'prePromotionAnalysis'];
    if (names.length === 0) out.push(problem(at, noConditions));
    out.push(...unknownConditions(at, pre.conditions, names));
  }
  return out;
}

/** An analysis's own list may only name conditions the spec has. */
function unknownConditions(at: FieldPath, listed: readonly string[] | undefined, names: readonly string[]): Finding[] {
  if (names.length === 0) return [];
  return (listed ?? []).flatMap((name, k) =>
    names.includes(name) ? [] : [problem([...at, 'conditions', k], `no health condition is named ${JSON.stringify(name)} (there are ${[...new Set(names)].join(', ')})`)],
  );
}

/** Every ARN in the spec with its path. */
function arnsOf(spec: ReleaseSpec): [FieldPath, string][] {
  const found: [FieldPath, string][] = [];
  if (spec.cluster.startsWith('arn:')) found.push([['spec', 'cluster'], spec.cluster]);
  if ('taskDefinition' in spec.revision && spec.revision.taskDefinition?.startsWith('arn:')) {
    found.push([['spec', 'revision', 'taskDefinition'], spec.revision.taskDefinition]);
  }
  const s = spec.strategy;
  const colours = 'canary' in s && s.canary ? (['canary', s.canary] as const) : 'blueGreen' in s && s.blueGreen ? (['blueGreen', s.blueGreen] as const) : undefined;
  if (!colours) return found;
  const [kind, strategy] = colours;
  const at: FieldPath = ['spec', 'strategy', kind];
  if ('alb' in strategy.traffic && strategy.traffic.alb) found.push(...albArns(strategy.traffic.alb, [...at, 'traffic', 'alb']));
  if (kind === 'blueGreen' && 'preview' in strategy && strategy.preview) {
    for (const field of ['listenerArn', 'ruleArn'] as const) {
      const arn = strategy.preview[field];
      if (arn) found.push([[...at, 'preview', field], arn]);
    }
  }
  return found;
}

function albArns(alb: AlbTraffic, at: FieldPath): [FieldPath, string][] {
  const found: [FieldPath, string][] = [];
  if (alb.listenerArn) found.push([[...at, 'listenerArn'], alb.listenerArn]);
  if (alb.ruleArn) found.push([[...at, 'ruleArn'], alb.ruleArn]);
  found.push([[...at, 'targetGroups', 'blue'], alb.targetGroups.blue]);
  found.push([[...at, 'targetGroups', 'green'], alb.targetGroups.green]);
  return found;
}

/** ECS services only attach to target groups of their own region and account. */
function checkArnPlaces(spec: ReleaseSpec): Finding[] {
  const out: Finding[] = [];
  let first: { path: FieldPath; region: string; account: string } | undefined;
  for (const [path, text] of arnsOf(spec)) {
    const arn = parseArn(text);
    if (!arn) continue;
    if (spec.region !== undefined && arn.region !== spec.region) {
      out.push(problem(path, `is in region ${arn.region}, but spec.region is ${spec.region}`));
    } else if (spec.region === undefined && first && arn.region !== first.region) {
      out.push(problem(path, `is in region ${arn.region}, but ${formatPath(first.path)} is in ${first.region}`));
    }
    if (first && arn.account !== first.account) {
      out.push(problem(path, `is in account ${arn.account}, but ${formatPath(first.path)} is in ${first.account}`));
    }
    first ??= { path, region: arn.region, account: arn.account };
  }
  return out;
}
