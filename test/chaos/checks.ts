// What a trial checks, and how many times: every check made is counted, every failure kept with
// the invariant it breaks (DESIGN.md §4) and enough detail to start looking.
import type { CloudProvider, RecordKey, TargetGroupWeight } from '../../src/cloud/ports.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { Stack } from './world.js';

export interface Violation {
  /** Virtual seconds from the start of the trial. */
  atS: number;
  invariant: string;
  release?: string;
  detail: string;
}

export class Checks {
  count = 0;
  readonly violations: Violation[] = [];

  constructor(private readonly elapsedS: () => number) {}

  /** Counts one check; records a violation when `ok` is false. */
  check(ok: boolean, invariant: string, detail: () => string, release?: string): boolean {
    this.count++;
    if (!ok) this.violations.push({ atS: this.elapsedS(), invariant, ...(release ? { release } : {}), detail: detail() });
    return ok;
  }
}

export const INVARIANTS = {
  weightsSum: '1 weights sum to 100',
  healthyBeforeTraffic: '2 traffic moves only to a colour with enough healthy targets',
  revertEndsOnStable: '3 a failing condition ends with 100% on stable',
  noDuplicateDeployment: '4 no deployment duplicated (restarts included)',
  sourceLossKeepsSpec: '5 losing the source never deletes',
  noForwardOnNoData: '8 nothing moves forward on no data',
  stalledMakesNoWrite: '9 a terminal error stops writes',
  badReverted: 'a bad revision is reverted within its bound',
  badNeverPromoted: 'a bad revision is never promoted on its own',
  goodPromoted: 'a good revision is promoted within its bound',
  goodNotReverted: 'a good revision is never reverted',
  settledMatchesStatus: 'a settled Release is what AWS runs',
} as const;

/** One AWS write keelson made, attributed to the Release whose resource it touched. */
export interface KeelsonWrite {
  at: number;
  release: number;
  kind: 'ecs:UpdateService' | 'ecs:RegisterTaskDefinition' | 'elbv2:setWeights' | 'route53:setWeights';
  /** UpdateService: a new deployment started, of this task definition (`family:revision`). */
  deployed?: { service: string; taskDefinition: string };
  /** RegisterTaskDefinition: the image registered and the revision it became. */
  registered?: { image: string; taskDefinition: string };
  changed: boolean;
}

const shortTd = (arn: string): string => arn.split('task-definition/').pop() ?? arn;

interface GuardContext {
  sim: Simulator;
  stacks: Stack[];
  checks: Checks;
  writes: KeelsonWrite[];
}

function stackOfService(stacks: Stack[], cluster: string, service: string): Stack | undefined {
  return stacks.find((s) => s.cluster === cluster && Object.values(s.services).includes(service));
}

/** The healthy targets a colour needs before more traffic moves to it: the Release's replicas. */
function checkWeightIncrease(ctx: GuardContext, stack: Stack, targetGroupArn: string, weight: number, before: number): void {
  if (weight <= before) return;
  const healthy = ctx.sim.inspect.targetHealth(targetGroupArn).filter((t) => t.state === 'healthy').length;
  ctx.checks.check(
    healthy >= stack.plan.replicas,
    INVARIANTS.healthyBeforeTraffic,
    () => `${targetGroupArn.split(':').pop()}: ${healthy}/${stack.plan.replicas} healthy, weight ${before} → ${weight}`,
    stack.plan.name,
  );
}

/**
 * Wraps the simulated cloud so that every write keelson makes is checked before it lands (weights
 * sum to 100, traffic moves only to a healthy colour) and recorded with its effect afterwards.
 */
export function guardWrites(ctx: GuardContext): (cloud: CloudProvider) => CloudProvider {
  const { sim, stacks, checks, writes } = ctx;
  return (cloud) => (region) => {
    const ports = cloud(region);
    return {
      ...ports,
      ecs: {
        ...ports.ecs,
        updateService: async (input) => {
          const stack = stackOfService(stacks, input.cluster, input.service);
          const before = stack ? sim.inspect.service(input.cluster, input.service).deployments[0]?.id : undefined;
          const out = await ports.ecs.updateService(input);
          if (stack) {
            const primary = out.deployments.find((d) => d.status === 'PRIMARY') ?? out.deployments[0];
            const started = primary !== undefined && primary.id !== before;
            writes.push({
              at: sim.now,
              release: stack.plan.index,
              kind: 'ecs:UpdateService',
              changed: true,
              ...(started && primary ? { deployed: { service: input.service, taskDefinition: shortTd(primary.taskDefinition) } } : {}),
            });
          }
          return out;
        },
        registerTaskDefinitionFrom: async (base, change, tags) => {
          const out = await ports.ecs.registerTaskDefinitionFrom(base, change, tags);
          const stack = stacks.find((s) => s.family === out.family);
          if (stack) writes.push({ at: sim.now, release: stack.plan.index, kind: 'ecs:RegisterTaskDefinition', changed: true, registered: { image: change.image, taskDefinition: `${out.family}:${out.revision}` } });
          return out;
        },
      },
      lb: {
        ...ports.lb,
        setWeights: async (ref, weights: readonly TargetGroupWeight[]) => {
          const stack = stacks.find((s) => (ref.ruleArn ? s.forward?.ruleArn === ref.ruleArn : s.forward?.listenerArn === ref.listenerArn));
          if (stack) {
            const total = weights.reduce((sum, w) => sum + w.weight, 0);
            checks.check(total === 100, INVARIANTS.weightsSum, () => `keelson wrote ${JSON.stringify(weights)}`, stack.plan.name);
            const before = new Map(sim.inspect.weights(ref).map((w) => [w.targetGroupArn, w.weight]));
            for (const w of weights) checkWeightIncrease(ctx, stack, w.targetGroupArn, w.weight, before.get(w.targetGroupArn) ?? 0);
          }
          const out = await ports.lb.setWeights(ref, weights);
          if (stack) writes.push({ at: sim.now, release: stack.plan.index, kind: 'elbv2:setWeights', changed: out === 'updated' });
          return out;
        },
      },
      dns: {
        ...ports.dns,
        setWeights: async (key: RecordKey, weights) => {
          const stack = stacks.find((s) => s.record?.recordName === key.recordName);
          if (stack && stack.setIdentifiers && 'blue' in stack.targetGroups) {
            const total = weights.reduce((sum, w) => sum + w.weight, 0);
            checks.check(total === 100, INVARIANTS.weightsSum, () => `keelson wrote ${JSON.stringify(weights)}`, stack.plan.name);
            const before = new Map(sim.inspect.recordWeights(key).map((w) => [w.setIdentifier, w.weight]));
            for (const colour of ['blue', 'green'] as const) {
              const w = weights.find((x) => x.setIdentifier === stack.setIdentifiers?.[colour]);
              if (w) checkWeightIncrease(ctx, stack, stack.targetGroups[colour], w.weight, before.get(w.setIdentifier) ?? 0);
            }
          }
          const out = await ports.dns.setWeights(key, weights);
          if (stack) writes.push({ at: sim.now, release: stack.plan.index, kind: 'route53:setWeights', changed: out.result === 'updated' });
          return out;
        },
      },
    };
  };
}
