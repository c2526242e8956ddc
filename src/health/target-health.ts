// The targetHealth condition: unhealthy targets in the canary colour's target group.
import { DEFAULTS } from '../api/defaults.js';
import type { TargetHealthCheck } from '../api/types.js';
import type { LoadBalancingPort, TargetHealth, TargetState } from '../cloud/ports.js';
import { errorText, failed, noData, passed, type Measurement, type MeasurementBase, type NamedCheck } from './measurement.js';

/** Targets still registering or deregistering say nothing about the revision's health. */
const UNHEALTHY: ReadonlySet<TargetState> = new Set(['unhealthy', 'unavailable']);
const JUDGED: ReadonlySet<TargetState> = new Set(['healthy', 'unhealthy', 'unavailable']);

export function targetHealthThreshold(check: TargetHealthCheck): string {
  return `≤ ${check.maxUnhealthy ?? DEFAULTS.maxUnhealthyTargets} unhealthy`;
}

/** One DescribeTargetHealth for every targetHealth condition of the pass. */
export async function measureTargetHealth(
  conditions: readonly NamedCheck<TargetHealthCheck>[],
  targetGroupArn: string | undefined,
  lb: LoadBalancingPort,
  now: number,
  expectedTargets?: number,
): Promise<Measurement[]> {
  if (conditions.length === 0) return [];
  const bases = conditions.map(({ name, check }) => ({ name, threshold: targetHealthThreshold(check), at: now }));
  if (!targetGroupArn) return bases.map((base) => noData(base, 'the new colour has no target group'));
  try {
    const targets = await lb.describeTargetHealth(targetGroupArn);
    return conditions.map(({ check }, i) => judgeTargetHealth(bases[i] as MeasurementBase, check, targets, expectedTargets));
  } catch (err) {
    return bases.map((base) => noData(base, `could not describe target health: ${errorText(err)}`));
  }
}

export function judgeTargetHealth(
  base: MeasurementBase,
  check: TargetHealthCheck,
  targets: readonly TargetHealth[],
  expectedTargets?: number,
): Measurement {
  const maxUnhealthy = check.maxUnhealthy ?? DEFAULTS.maxUnhealthyTargets;
  const healthy = targets.filter((t) => t.state === 'healthy').length;
  // Once the colour serves traffic, a target ECS replaced is as bad as one failing its checks.
  // A replacement registers while its predecessor drains; targets registering beyond those
  // draining are capacity being added (Application Auto Scaling scaling the colour out), not
  // replacements, and are not missing while they start.
  const starting = targets.filter((t) => t.state === 'initial').length;
  const draining = targets.filter((t) => t.state === 'draining').length;
  const added = Math.max(0, starting - draining);
  const missing = expectedTargets === undefined ? 0 : Math.max(0, expectedTargets - healthy - added);
  if (targets.length === 0 && missing === 0) return noData(base, 'no registered targets');
  const judged = targets.filter((t) => JUDGED.has(t.state));
  if (judged.length === 0 && missing === 0) return noData(base, `no targets in service yet (${countStates(targets)})`);
  const unhealthy = judged.filter((t) => UNHEALTHY.has(t.state));
  const count = Math.max(unhealthy.length, missing);
  const text =
    missing > unhealthy.length
      ? `${healthy} of ${expectedTargets} expected targets healthy${targets.length ? ` (${countStates(targets)})` : ''}`
      : `${unhealthy.length} of ${judged.length} targets unhealthy`;
  if (count <= maxUnhealthy) return passed(base, count, text);
  const reasons = [...new Set(unhealthy.map((t) => t.reason ?? t.description).filter(Boolean))];
  return failed(base, count, `${text} (max ${maxUnhealthy})${reasons.length ? `: ${reasons.join(', ')}` : ''}`);
}

function countStates(targets: readonly TargetHealth[]): string {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}
