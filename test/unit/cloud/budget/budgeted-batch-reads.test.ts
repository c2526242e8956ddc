// Joined reads keep their batching behind the budget, and pay one token per request they make.
import { describe, expect, it } from 'vitest';
import { budgetedPorts } from '../../../../src/cloud/budget/budgeted-ports.js';
import type { CallBudget } from '../../../../src/cloud/budget/call-budget.js';
import type { CloudPorts, ForwardRef } from '../../../../src/cloud/ports.js';

function recordingBudget(): { budget: CallBudget; taken: string[] } {
  const taken: string[] = [];
  const budget = {
    acquire: async (service: string, _region: string | undefined, api: string, _priority: string, count = 1) => void taken.push(`${service}:${api}x${count}`),
    charge: () => undefined,
    refund: () => undefined,
  } as unknown as CallBudget;
  return { budget, taken };
}

const ports = (): CloudPorts =>
  ({
    ecs: {},
    lb: { readWeights: async () => [], readWeightsMany: async (refs: readonly ForwardRef[]) => refs.map(() => []) },
    dns: {},
    metrics: {},
    scaling: { describeScalableTarget: async () => undefined, describeScalableTargets: async (s: readonly unknown[]) => s.map(() => undefined) },
    http: {},
    registry: {},
  }) as unknown as CloudPorts;

describe('budgeted ports', () => {
  it('keep readWeightsMany and describeScalableTargets, charging one token per request of 20 ARNs or 50 services', async () => {
    const { budget, taken } = recordingBudget();
    const paced = budgetedPorts(ports(), budget, 'us-east-1', 'steady');
    const refs: ForwardRef[] = [...Array.from({ length: 45 }, (_, i) => ({ listenerArn: `l${i}` })), ...Array.from({ length: 3 }, (_, i) => ({ ruleArn: `r${i}` }))];
    expect(await paced.lb.readWeightsMany?.(refs)).toHaveLength(48);
    expect(await paced.scaling.describeScalableTargets?.(Array.from({ length: 120 }, (_, i) => ({ cluster: 'c', service: `s${i}` })))).toHaveLength(120);
    expect(taken).toEqual(['elbv2:DescribeListenersx3', 'elbv2:DescribeRulesx1', 'autoscaling:DescribeScalableTargetsx3']);
  });

  it('offer no joined read where the ports underneath have none', () => {
    const { budget } = recordingBudget();
    const bare = ports();
    delete (bare.lb as { readWeightsMany?: unknown }).readWeightsMany;
    delete (bare.scaling as { describeScalableTargets?: unknown }).describeScalableTargets;
    const paced = budgetedPorts(bare, budget, undefined, 'rollout');
    expect(paced.lb.readWeightsMany).toBeUndefined();
    expect(paced.scaling.describeScalableTargets).toBeUndefined();
  });
});
