// DESIGN §4 invariants, checked while a scenario runs rather than only at its end.
import type { CloudProvider, ForwardRef, TargetGroupWeight } from '../../../src/cloud/ports.js';
import type { Simulator } from '../../../src/sim/simulator.js';

export interface Violation {
  at: number;
  invariant: string;
  detail: string;
}

/**
 * Wraps the simulated cloud so that every weight write is checked before it lands:
 * traffic never moves to a target group with fewer healthy targets than its service runs.
 */
export interface WeightWrite {
  at: number;
  weights: TargetGroupWeight[];
}

export function guardWeights(sim: Simulator, violations: Violation[], writes: WeightWrite[] = []): (cloud: CloudProvider) => CloudProvider {
  return (cloud) => (region) => {
    const ports = cloud(region);
    return {
      ...ports,
      lb: {
        ...ports.lb,
        readWeights: (ref) => ports.lb.readWeights(ref),
        describeTargetHealth: (arn) => ports.lb.describeTargetHealth(arn),
        describeTargetGroups: (arns) => ports.lb.describeTargetGroups(arns),
        setWeights: async (ref: ForwardRef, weights: readonly TargetGroupWeight[]) => {
          checkWeightWrite(sim, ref, weights, violations);
          const result = await ports.lb.setWeights(ref, weights);
          if (result === 'updated') writes.push({ at: sim.now, weights: [...weights] });
          return result;
        },
      },
    };
  };
}

function checkWeightWrite(sim: Simulator, ref: ForwardRef, weights: readonly TargetGroupWeight[], violations: Violation[]): void {
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  if (total !== 100) violations.push({ at: sim.now, invariant: 'weights sum to 100', detail: `${JSON.stringify(weights)}` });
  const before = new Map(sim.inspect.weights(ref).map((w) => [w.targetGroupArn, w.weight]));
  for (const w of weights) {
    if (w.weight <= (before.get(w.targetGroupArn) ?? 0)) continue;
    const service = sim.world.services.find((s) => s.targetGroup === w.targetGroupArn);
    if (!service) continue;
    const needed = sim.inspect.service(service.cluster, service.name).desiredCount;
    const healthy = sim.inspect.targetHealth(w.targetGroupArn).filter((t) => t.state === 'healthy').length;
    if (healthy < needed) {
      violations.push({ at: sim.now, invariant: 'traffic moves only to a colour with enough healthy targets', detail: `${w.targetGroupArn}: ${healthy}/${needed} healthy, weight → ${w.weight}` });
    }
  }
}

/** Weights on a listener or rule always sum to 100 (checked at every step of a run). */
export function checkWeightsSum(sim: Simulator, ref: ForwardRef, violations: Violation[]): void {
  const total = sim.inspect.weights(ref).reduce((sum, w) => sum + w.weight, 0);
  if (total !== 100) violations.push({ at: sim.now, invariant: 'weights sum to 100', detail: `total ${total}` });
}
