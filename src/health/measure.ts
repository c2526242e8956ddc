// The I/O half of health: every condition of a Release measured once, with batched reads —
// one DescribeAlarms, one GetMetricData per metric window, one DescribeTargetHealth for the
// new colour's target group, the HTTP probes in parallel. A failure of one read becomes
// `nodata` for the conditions that needed it; measure() itself does not throw.
import type { AlarmCheck, HealthCondition, HealthConditionKind, HttpCheck, MetricCheck, TargetHealthCheck } from '../api/types.js';
import type { LoadBalancingPort } from '../cloud/ports.js';
import { measureAlarms } from './alarm.js';
import { httpThreshold, measureHttp } from './http.js';
import {
  errorText,
  noData,
  type ColourTarget,
  type HealthPorts,
  type IndexedCheck,
  type MeasureTarget,
  type Measurement,
  type NamedCheck,
} from './measurement.js';
import { measureMetrics } from './metric.js';
import { hasRelativeThreshold, metricThreshold } from './metric-thresholds.js';
import { measureTargetHealth, targetHealthThreshold } from './target-health.js';

export function conditionKind(condition: HealthCondition): HealthConditionKind {
  if (condition.http) return 'http';
  if (condition.targetHealth) return 'targetHealth';
  if (condition.metric) return 'metric';
  return 'alarm';
}

/** What passing means for a condition, as its evaluator states it. */
export function conditionThreshold(condition: HealthCondition): string {
  if (condition.http) return httpThreshold(condition.http);
  if (condition.targetHealth) return targetHealthThreshold(condition.targetHealth);
  if (condition.metric) return metricThreshold(condition.metric);
  return 'OK';
}

export async function measure(
  conditions: readonly HealthCondition[],
  target: MeasureTarget,
  ports: HealthPorts,
  now: number,
): Promise<Measurement[]> {
  const http: IndexedCheck<HttpCheck>[] = [];
  const targets: IndexedCheck<TargetHealthCheck>[] = [];
  const metrics: IndexedCheck<MetricCheck>[] = [];
  const alarms: IndexedCheck<AlarmCheck>[] = [];
  conditions.forEach((c, index) => {
    if (c.http) http.push({ index, name: c.name, check: c.http });
    else if (c.targetHealth) targets.push({ index, name: c.name, check: c.targetHealth });
    else if (c.metric) metrics.push({ index, name: c.name, check: c.metric });
    else if (c.alarm) alarms.push({ index, name: c.name, check: c.alarm });
  });

  const results: Measurement[] = new Array(conditions.length);
  const place = (group: readonly IndexedCheck<unknown>[], measured: readonly Measurement[]): void => {
    group.forEach((c, i) => (results[c.index] = measured[i] as Measurement));
  };
  // A bug in one evaluator must not lose the other conditions' measurements.
  const unmeasured = (index: number, why: string): Measurement => {
    const condition = conditions[index] as HealthCondition;
    return noData({ name: condition.name, threshold: conditionThreshold(condition), at: now }, why);
  };
  const guarded = async (group: readonly IndexedCheck<unknown>[], run: () => Promise<Measurement[]>): Promise<void> => {
    try {
      place(group, await run());
    } catch (err) {
      place(group, group.map((c) => unmeasured(c.index, `could not measure: ${errorText(err)}`)));
    }
  };

  await Promise.all([
    ...http.map((c) => guarded([c], async () => [await measureHttp(c.name, c.check, ports.http, now)])),
    guarded(targets, () => measureTargetHealth(targets, target.canary.targetGroupArn, ports.lb, now, target.canary.expectedTargets)),
    guarded(alarms, () => measureAlarms(alarms, ports.metrics, now)),
    guarded(metrics, async () => measureMetrics(metrics, await withLoadBalancers(target, metrics, ports.lb), ports.metrics, now)),
  ]);
  conditions.forEach((_c, i) => {
    results[i] ??= unmeasured(i, 'the condition has no check');
  });
  return results;
}

/**
 * CloudWatch names a target group's metrics together with its load balancer. When the target
 * does not say which load balancer, ask once (DescribeTargetGroups) for every colour that
 * needs it; without an answer the queries use the TargetGroup dimension alone.
 */
async function withLoadBalancers(
  target: MeasureTarget,
  metrics: readonly NamedCheck<MetricCheck>[],
  lb: LoadBalancingPort,
): Promise<MeasureTarget> {
  if (metrics.length === 0) return target;
  const colours = [target.canary, ...(target.baseline && metrics.some((m) => hasRelativeThreshold(m.check)) ? [target.baseline] : [])];
  const missing = colours.filter((c) => c.targetGroupArn && !c.loadBalancerArn).map((c) => c.targetGroupArn as string);
  if (missing.length === 0) return target;
  let found: Map<string, string>;
  try {
    const groups = await lb.describeTargetGroups([...new Set(missing)]);
    found = new Map(groups.flatMap((g) => (g.loadBalancerArns[0] ? [[g.arn, g.loadBalancerArns[0]] as const] : [])));
  } catch {
    return target;
  }
  const resolve = (c: ColourTarget): ColourTarget =>
    c.loadBalancerArn || !c.targetGroupArn || !found.has(c.targetGroupArn) ? c : { ...c, loadBalancerArn: found.get(c.targetGroupArn) };
  return { ...target, canary: resolve(target.canary), baseline: target.baseline && resolve(target.baseline) };
}
