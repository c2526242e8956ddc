// Approval gates as the spec writes them: where they are, what they need, how to describe them.
import { DEFAULTS } from '../../src/api/defaults.js';
import type { ApprovalGate, ReleaseSpec, Step } from '../../src/api/types.js';

/** Groups of people who may approve (keelson.yaml `approvers`), by group name. */
export type ApproverGroups = Readonly<Record<string, readonly string[]>>;

export const requiredApprovals = (gate: ApprovalGate): number => gate.required ?? DEFAULTS.approvalsRequired;

export function describeApprovalGate(gate: ApprovalGate): string {
  const required = requiredApprovals(gate);
  return `approval by ${required} ${required === 1 ? 'person' : 'people'}${gate.group ? ` from ${gate.group}` : ''}`;
}

/** Every approval gate of a spec: canary steps, blueGreen's gate before the switch, rolling's before the start. */
export function approvalGatesOf(spec: ReleaseSpec): ApprovalGate[] {
  const { canary, blueGreen, rolling } = spec.strategy;
  if (canary) return canary.steps.flatMap((s) => ('approval' in s ? [s.approval] : []));
  return [blueGreen?.approval ?? rolling?.approval].filter((g): g is ApprovalGate => g !== undefined);
}

/** The index of the first approval step at or after `from`. */
export function nextApprovalStep(steps: readonly Step[], from: number): number | undefined {
  for (let i = Math.max(0, from); i < steps.length; i++) if ('approval' in (steps[i] as Step)) return i;
  return undefined;
}

/** The command that approves, as notifications and status show it. */
export const howToApprove = (release: string, revision: string): string => `keelson approve ${release} --revision ${revision}`;
