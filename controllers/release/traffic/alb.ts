import type { AlbTraffic } from '../../../src/api/types.js';
import type { ForwardRef } from '../../../src/cloud/ports.js';
import { toPercent, type TrafficRouter } from './router.js';

export function albRouter(spec: AlbTraffic): TrafficRouter {
  const ref: ForwardRef = spec.ruleArn ? { ruleArn: spec.ruleArn } : { listenerArn: spec.listenerArn as string };
  const { blue, green } = spec.targetGroups;
  return {
    async readWeights(ports) {
      const groups = await ports.lb.readWeights(ref);
      const weightOf = (arn: string): number => groups.find((g) => g.targetGroupArn === arn)?.weight ?? 0;
      const weights = toPercent(weightOf(blue), weightOf(green));
      return weights ? { weights } : {};
    },
    async setWeights(ports, weights) {
      const result = await ports.lb.setWeights(ref, [
        { targetGroupArn: blue, weight: weights.blue },
        { targetGroupArn: green, weight: weights.green },
      ]);
      return { result };
    },
    verify(observed) {
      // An ALB applies a modified forward action at once: read back means in effect.
      return observed.weights ? { settled: true } : { settled: false, message: 'waiting to read the listener weights back' };
    },
  };
}
