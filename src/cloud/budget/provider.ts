// The budget as a CloudProvider wrapper. The controller asks for a pass's ports with its priority
// (`provider(region, {priority})`); each priority has its own stack of read batching on top of the
// budget, so a batched DescribeServices waits as its callers' priority says, and a batch joins
// passes of one priority only. A wrapper that drops the pass argument gets steady-state ports.
import type { CallPriority, CloudProvider } from '../ports.js';
import { wrapOncePerRegion } from '../ports-once.js';
import { budgetedPorts } from './budgeted-ports.js';
import type { CallBudget } from './call-budget.js';

/** The read batching put on top of the budgeted provider (batchDescribeServices, say). */
export type BatchReads = (provider: CloudProvider) => CloudProvider;

export function withCallBudget(provider: CloudProvider, budget: CallBudget, batchReads: BatchReads): CloudProvider {
  const paced = (priority: CallPriority): CloudProvider => wrapOncePerRegion(provider, (ports, region) => budgetedPorts(ports, budget, region, priority));
  const stacks: Record<CallPriority, CloudProvider> = { rollout: batchReads(paced('rollout')), steady: batchReads(paced('steady')) };
  return (region, pass) => stacks[pass?.priority ?? 'steady'](region);
}
