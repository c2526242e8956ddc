// Application Auto Scaling registrations: which services have their desiredCount owned by a
// scaling policy (keelson must then leave the count alone).

import type { ScalableTarget } from '../cloud/ports.js';
import type { SimContext } from './context.js';

export interface ScalableTargetInput {
  minCapacity: number;
  maxCapacity: number;
  suspended?: Partial<ScalableTarget['suspended']>;
}

export function resourceId(cluster: string, service: string): string {
  return `service/${cluster}/${service}`;
}

export class ScalingModel {
  readonly targets = new Map<string, ScalableTarget>();

  constructor(private readonly ctx: SimContext) {}

  register(cluster: string, service: string, input: ScalableTargetInput, now: number): ScalableTarget {
    const target: ScalableTarget = {
      resourceId: resourceId(cluster, service),
      minCapacity: input.minCapacity,
      maxCapacity: input.maxCapacity,
      suspended: {
        dynamicScalingIn: input.suspended?.dynamicScalingIn ?? false,
        dynamicScalingOut: input.suspended?.dynamicScalingOut ?? false,
        scheduledScaling: input.suspended?.scheduledScaling ?? false,
      },
    };
    this.targets.set(target.resourceId, target);
    this.ctx.events.add(now, 'scaling.target', target.resourceId, `registered min ${input.minCapacity} max ${input.maxCapacity}`);
    return target;
  }

  deregister(cluster: string, service: string, now: number): boolean {
    const removed = this.targets.delete(resourceId(cluster, service));
    if (removed) this.ctx.events.add(now, 'scaling.target', resourceId(cluster, service), 'deregistered');
    return removed;
  }

  describe(cluster: string, service: string): ScalableTarget | undefined {
    const t = this.targets.get(resourceId(cluster, service));
    return t ? { ...t, suspended: { ...t.suspended } } : undefined;
  }
}
