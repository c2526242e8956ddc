// Approvals: `keelson approve` recorded for the revision it names, and the gate that waits for
// enough distinct people. An approval never moves anything back: aborts and reverts ignore gates.
import { parseDuration } from '../../src/api/duration.js';
import type { ApprovalGate, ApprovalsStatus, RolloutProgress } from '../../src/api/types.js';
import { DEFAULTS } from '../../src/api/defaults.js';
import { sameRevision } from '../../src/cloud/task-definition-ref.js';
import { isApprover } from '../../src/api/approver-membership.js';
import type { Logger } from 'pino';
import type { RolloutEvent } from '../../src/notify/events.js';
import type { OperationRequest } from '../../src/store/store.js';
import { approvalGatesOf, howToApprove, nextApprovalStep, requiredApprovals } from './approval-gate.js';
import type { Draft } from './draft.js';
import { stepsOf, strategyKind } from './spec.js';
import { iso, ms } from './status.js';
import { DONE, type StageResult } from './strategies/waits.js';

/** Approvals are for one revision: once the spec asks for another, they are gone (a new revision needs new ones). */
export function keepApprovalsOfDesired(d: Draft): void {
  const a = d.status.approvals;
  if (!a) return;
  if (!sameRevision(a.revision, d.status.desiredRevision)) {
    d.status.approvals = null;
    return;
  }
  const r = d.status.rollout;
  if (!r || r.result) a.waiting = null;
}

/** One `approve` operation: counted for the desired revision, or refused with the reason, in status and as an event. */
export function recordApproval(d: Draft, op: OperationRequest): void {
  const by = op.requestedBy?.trim() ?? '';
  const desired = d.status.desiredRevision ?? null;
  const groups = op.requestedGroups ?? [];
  const refusal = whyRefused(d, by, groups, op.revision, desired);
  if (refusal || !desired) return refuse(d, op, by, refusal ?? 'the Release has no desired revision yet');
  const approvals = approvalsFor(d, desired);
  const again = approvals.granted.some((g) => g.by === by);
  // Approving again renews the approval (its expiry starts over) but still counts once.
  approvals.granted = [...approvals.granted.filter((g) => g.by !== by), { by, at: iso(op.requestedAt), ...(groups.length > 0 ? { groups } : {}) }];
  const gate = gateInForce(d);
  const approvers = gate ? countedApprovers(d, gate) : [by];
  const required = gate ? requiredApprovals(gate) : 1;
  const counts = `${approvers.length}/${required}${gate?.group ? ` from ${gate.group}` : ''}`;
  d.emit({
    type: 'Approved',
    toRevision: desired,
    by,
    ...(op.requestedVia ? { via: op.requestedVia } : {}),
    approval: { required, received: approvers.length, group: gate?.group ?? null, approvers, howTo: howToApprove(d.input.release.metadata.name, desired) },
    message: again ? `${by} approved ${desired} again; one person counts once (${counts})` : `${desired} approved by ${by} (${counts})`,
  });
}

function whyRefused(d: Draft, by: string, oidcGroups: readonly string[], revision: string | undefined, desired: string | null): string | undefined {
  const name = d.input.release.metadata.name;
  if (!by) return 'an approval needs the name of who approves';
  const gates = approvalGatesOf(d.spec);
  if (gates.length === 0) return `${name} has no approval gate`;
  if (revision && !sameRevision(revision, desired)) {
    return `${by} approved ${revision}, but ${name} now rolls out ${desired ?? 'nothing'}: an approval counts only for the revision it names`;
  }
  if (desired && sameRevision(desired, d.status.stableRevision) && !d.status.rollout) return `${desired} is already stable: nothing waits for approval`;
  const groups = gates.map((g) => g.group);
  if (groups.some((g) => g === undefined)) return undefined;
  const named = [...new Set(groups as string[])];
  if (named.some((g) => isApprover(d.input.approvers?.[g] ?? [], by, oidcGroups))) return undefined;
  const undefinedGroups = named.filter((g) => !d.input.approvers?.[g]);
  if (undefinedGroups.length === named.length) return `approval group ${named.join(', ')} is not defined in keelson.yaml (approvers)`;
  return `${by} is not a member of ${named.join(' or ')} (keelson.yaml approvers)`;
}

function refuse(d: Draft, op: OperationRequest, by: string, reason: string): void {
  const desired = d.status.desiredRevision;
  if (desired) {
    const approvals = approvalsFor(d, desired);
    const entry = { by: by || 'someone', at: iso(op.requestedAt), revision: op.revision ?? null, reason };
    approvals.refused = [entry, ...(approvals.refused ?? [])].slice(0, DEFAULTS.refusedApprovalsLimit);
  }
  d.emit({ type: 'ApprovalRefused', toRevision: op.revision ?? desired ?? null, by: by || 'someone', ...(op.requestedVia ? { via: op.requestedVia } : {}), reason, message: `approval refused: ${reason}` });
}

function approvalsFor(d: Draft, revision: string): ApprovalsStatus {
  const a = d.status.approvals;
  if (a && sameRevision(a.revision, revision)) return a;
  d.status.approvals = { revision, granted: [], refused: [], waiting: null };
  return d.status.approvals;
}

/** The gate the rollout waits at or meets next; with no rollout, the first gate a rollout would meet. */
function gateInForce(d: Draft): ApprovalGate | undefined {
  const r = d.status.rollout;
  if (!r || r.result) return approvalGatesOf(d.spec)[0];
  if (strategyKind(d.spec) === 'rolling') return r.approvedAt ? undefined : d.spec.strategy.rolling?.approval;
  const steps = stepsOf(d.spec);
  const at = nextApprovalStep(steps, r.stepIndex);
  const step = at === undefined ? undefined : steps[at];
  return step && 'approval' in step ? step.approval : undefined;
}

/**
 * Who counts for a gate: approvals of the rollout's revision, unexpired, from the gate's group,
 * and given since the rollout's previous gate passed (each gate needs its own approvals).
 */
function countedApprovers(d: Draft, gate: ApprovalGate): string[] {
  const a = d.status.approvals;
  if (!a) return [];
  const since = d.status.rollout?.approvedAt ? ms(d.status.rollout.approvedAt) : -Infinity;
  const members = gate.group ? (d.input.approvers?.[gate.group] ?? []) : undefined;
  return a.granted
    .filter((g) => !expired(d, gate, g.at) && ms(g.at) >= since && (!members || isApprover(members, g.by, g.groups)))
    .map((g) => g.by);
}

function expired(d: Draft, gate: ApprovalGate, at: string): boolean {
  return gate.expiresAfter !== undefined && d.now - ms(at) >= parseDuration(gate.expiresAfter);
}

/** The gate: done once enough distinct people approved; until then a wait on a person, never on the deadline. */
export function approvalStage(d: Draft, r: RolloutProgress, gate: ApprovalGate): StageResult {
  // Passed already at this step (health may still be awaited): approvals expiring since change nothing.
  if (r.approvedAt && ms(r.approvedAt) > ms(r.stepStartedAt)) return DONE;
  const required = requiredApprovals(gate);
  const approvals = approvalsFor(d, r.revision);
  const approvers = countedApprovers(d, gate);
  const group = gate.group ?? null;
  const howTo = howToApprove(d.input.release.metadata.name, r.revision);
  const first = !approvals.waiting;
  if (approvers.length >= required) {
    approvals.waiting = null;
    r.approvedAt = iso(d.now);
    return DONE;
  }
  approvals.waiting = { required, received: approvers.length, group, approvers };
  const from = group ? ` from ${group}` : '';
  const undefinedGroup = group !== null && !d.input.approvers?.[group];
  const message = undefinedGroup
    ? `waiting for approval 0/${required}${from}, a group not defined in keelson.yaml (approvers): define it, then ${howTo}`
    : `waiting for approval ${approvers.length}/${required}${from}${gate.expiresAfter ? ` (approvals expire after ${gate.expiresAfter})` : ''}; approve with: ${howTo}`;
  if (first) {
    d.emit({ type: 'AwaitingApproval', toRevision: r.revision, approval: { required, received: approvers.length, group, approvers, howTo }, message });
  }
  const nextExpiry = nextExpiryMs(d, gate, approvers);
  return { done: false, waitingOn: 'person', gate: 'approval', message, ...(nextExpiry !== undefined ? { requeueAfter: nextExpiry } : {}) };
}

/** An approval about to expire changes the count: look again then, so status says so. */
function nextExpiryMs(d: Draft, gate: ApprovalGate, approvers: string[]): number | undefined {
  if (!gate.expiresAfter || approvers.length === 0) return undefined;
  const length = parseDuration(gate.expiresAfter);
  const times = (d.status.approvals?.granted ?? []).filter((g) => approvers.includes(g.by)).map((g) => ms(g.at) + length - d.now);
  return Math.max(0, Math.min(...times));
}

/** A refused approval is a request that failed: one log line with its code, as for a failed pass. */
export function logRefusedApprovals(log: Pick<Logger, 'warn'>, events: readonly RolloutEvent[]): void {
  for (const e of events) if (e.type === 'ApprovalRefused') log.warn({ code: 'ApprovalRefused', by: e.by, revision: e.toRevision }, e.message);
}

/** What a `promote` may skip: never an approval gate (a promote is one person; the gate asks for people). */
export function promoteStopsAt(d: Draft, r: RolloutProgress): { gate: number; message: string } | undefined {
  const steps = stepsOf(d.spec);
  const gate = nextApprovalStep(steps, r.stepIndex);
  if (gate === undefined) return undefined;
  return { gate, message: `a promote does not pass an approval gate (step ${gate + 1}); approve with: ${howToApprove(d.input.release.metadata.name, r.revision)}` };
}
