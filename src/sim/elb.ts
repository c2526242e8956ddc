// Elastic Load Balancing: target groups whose targets pass or fail health checks every
// interval (a new target is healthy after one pass, an unhealthy one after healthyThreshold
// passes in a row; unhealthy after unhealthyThreshold failures), drain for the deregistration
// delay, and listeners/rules with a weighted forward.

import { CloudError } from '../cloud/errors.js';
import type { ForwardRef, TargetGroupWeight, TargetHealth, TargetState, WriteResult } from '../cloud/ports.js';
import { targetGroupName } from './arns.js';
import type { SimContext } from './context.js';
import type { TargetRegistry } from './ecs-scheduler.js';

/** AWS defaults for a target group's health checks and deregistration delay. */
export const TARGET_GROUP_DEFAULTS = {
  intervalMs: 30_000,
  healthyThreshold: 5,
  unhealthyThreshold: 2,
  deregistrationDelayMs: 300_000,
} as const;

export interface SimTarget {
  id: string;
  port: number;
  state: TargetState;
  passes: number;
  failures: number;
  nextCheckAt: number;
  drainUntil?: number;
}

export interface SimTargetGroup {
  arn: string;
  name: string;
  loadBalancerArns: string[];
  intervalMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  deregistrationDelayMs: number;
  /** By target id, kept in id order. */
  targets: Map<string, SimTarget>;
}

export interface SimForward {
  arn: string;
  listenerArn: string;
  loadBalancerArn: string;
  weights: TargetGroupWeight[];
}

/** Decides whether one health check of a target passes right now. */
export type HealthCheckAnswer = (targetGroupArn: string, targetId: string, now: number) => boolean;

const REASONS: Partial<Record<TargetState, { reason: string; description: string }>> = {
  initial: { reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' },
  unhealthy: { reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' },
  draining: { reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' },
};

export class ElbModel implements TargetRegistry {
  readonly targetGroups = new Map<string, SimTargetGroup>();
  readonly listeners = new Map<string, SimForward>();
  readonly rules = new Map<string, SimForward>();
  answer: HealthCheckAnswer = () => true;

  constructor(private readonly ctx: SimContext) {}

  targetGroup(arn: string): SimTargetGroup {
    const tg = this.targetGroups.get(arn);
    if (!tg) throw new CloudError('NotFound', `Target group not found: ${arn}`, { service: 'elbv2', awsCode: 'TargetGroupNotFound' });
    return tg;
  }

  forward(ref: ForwardRef): SimForward {
    if (ref.ruleArn !== undefined) {
      const rule = this.rules.get(ref.ruleArn);
      if (!rule) throw new CloudError('NotFound', `Rule not found: ${ref.ruleArn}`, { service: 'elbv2', awsCode: 'RuleNotFound' });
      return rule;
    }
    const listener = this.listeners.get(ref.listenerArn);
    if (!listener) throw new CloudError('NotFound', `Listener not found: ${ref.listenerArn}`, { service: 'elbv2', awsCode: 'ListenerNotFound' });
    return listener;
  }

  readWeights(ref: ForwardRef): TargetGroupWeight[] {
    return this.forward(ref).weights.map((w) => ({ ...w }));
  }

  /** Replaces the forward action's weights; visible to traffic at once, as on an ALB. */
  setWeights(ref: ForwardRef, weights: readonly TargetGroupWeight[], now: number, by = 'api'): WriteResult {
    const forward = this.forward(ref);
    for (const w of weights) {
      if (!Number.isInteger(w.weight) || w.weight < 0 || w.weight > 999) {
        throw new CloudError('Invalid', `Weight must be an integer from 0 to 999 (got ${w.weight})`, { service: 'elbv2', awsCode: 'ValidationError' });
      }
      this.targetGroup(w.targetGroupArn);
    }
    if (sameWeights(forward.weights, weights)) return 'unchanged';
    forward.weights = weights.map((w) => ({ targetGroupArn: w.targetGroupArn, weight: w.weight }));
    for (const w of forward.weights) {
      const tg = this.targetGroup(w.targetGroupArn);
      if (!tg.loadBalancerArns.includes(forward.loadBalancerArn)) tg.loadBalancerArns.push(forward.loadBalancerArn);
    }
    const text = forward.weights.map((w) => `${targetGroupName(w.targetGroupArn)}=${w.weight}`).join(' ');
    this.ctx.events.add(now, 'weights.changed', forward.arn, `${text}${by === 'api' ? '' : ` (${by})`}`);
    return 'updated';
  }

  describeTargetHealth(arn: string): TargetHealth[] {
    return [...this.targetGroup(arn).targets.values()].map((t) => {
      const why = REASONS[t.state];
      return { id: t.id, port: t.port, state: t.state, ...(why ? { reason: why.reason, description: why.description } : {}) };
    });
  }

  healthyTargets(arn: string): SimTarget[] {
    const tg = this.targetGroups.get(arn);
    if (!tg) return [];
    const out: SimTarget[] = [];
    for (const t of tg.targets.values()) if (t.state === 'healthy') out.push(t);
    return out;
  }

  // ------------------------------------------------------------ TargetRegistry (for ECS)

  targetState(targetGroupArn: string, targetId: string): TargetState | undefined {
    return this.targetGroups.get(targetGroupArn)?.targets.get(targetId)?.state;
  }

  register(targetGroupArn: string, targetId: string, port: number, now: number): void {
    const tg = this.targetGroups.get(targetGroupArn);
    if (!tg) return;
    tg.targets.set(targetId, { id: targetId, port, state: 'initial', passes: 0, failures: 0, nextCheckAt: now + tg.intervalMs });
    sortTargets(tg);
  }

  /** Registers a target that is already healthy (the world's starting tasks). */
  registerHealthy(targetGroupArn: string, targetId: string, port: number, now: number): void {
    const tg = this.targetGroups.get(targetGroupArn);
    if (!tg) return;
    tg.targets.set(targetId, { id: targetId, port, state: 'healthy', passes: tg.healthyThreshold, failures: 0, nextCheckAt: now + tg.intervalMs });
    sortTargets(tg);
  }

  deregister(targetGroupArn: string, targetId: string, now: number): number {
    const tg = this.targetGroups.get(targetGroupArn);
    const target = tg?.targets.get(targetId);
    if (!tg || !target) return now;
    if (target.state !== 'draining') {
      target.state = 'draining';
      target.drainUntil = now + tg.deregistrationDelayMs;
    }
    return target.drainUntil ?? now;
  }

  // ------------------------------------------------------------ per tick

  tick(now: number): void {
    for (const tg of this.targetGroups.values()) {
      for (const target of [...tg.targets.values()]) {
        if (target.state === 'draining') {
          if (now >= (target.drainUntil ?? now)) tg.targets.delete(target.id);
          continue;
        }
        if (now < target.nextCheckAt) continue;
        target.nextCheckAt += tg.intervalMs;
        this.check(tg, target, this.answer(tg.arn, target.id, now), now);
      }
    }
  }

  private check(tg: SimTargetGroup, target: SimTarget, passed: boolean, now: number): void {
    if (passed) {
      target.passes++;
      target.failures = 0;
      // A newly registered target needs one passed check; HealthyThresholdCount applies to a
      // target coming back from unhealthy (ALB user guide, "Health checks for your target groups").
      const needed = target.state === 'initial' ? 1 : tg.healthyThreshold;
      if (target.state !== 'healthy' && target.passes >= needed) this.transition(tg, target, 'healthy', now);
    } else {
      target.failures++;
      target.passes = 0;
      if (target.state !== 'unhealthy' && target.failures >= tg.unhealthyThreshold) this.transition(tg, target, 'unhealthy', now);
    }
  }

  private transition(tg: SimTargetGroup, target: SimTarget, state: TargetState, now: number): void {
    const from = target.state;
    target.state = state;
    this.ctx.events.add(now, 'target.health', tg.name, `${target.id}: ${from} -> ${state}`);
  }
}

function sortTargets(tg: SimTargetGroup): void {
  const sorted = [...tg.targets.entries()].sort(([a], [b]) => compareIps(a, b));
  tg.targets = new Map(sorted);
}

function compareIps(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

function sameWeights(a: readonly TargetGroupWeight[], b: readonly TargetGroupWeight[]): boolean {
  if (a.length !== b.length) return false;
  const key = (ws: readonly TargetGroupWeight[]): string =>
    [...ws].map((w) => `${w.targetGroupArn}=${w.weight}`).sort().join(',');
  return key(a) === key(b);
}
