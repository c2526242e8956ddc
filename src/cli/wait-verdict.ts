// When a pipeline's `keelson wait` may stop, and with what exit code. A reverted, aborted,
// blocked or stalled revision is never success.
import type { ReleaseStatus } from '../api/types.js';
import { sameRevision } from '../cloud/task-definition-ref.js';

export const WAIT_EXIT = { promoted: 0, failed: 1, usage: 2, timeout: 3 } as const;

export type WaitVerdict =
  | { done: false; message: string }
  | { done: true; exitCode: number; message: string };

/**
 * `generation`: the one `keelson apply` printed. Until the controller has observed it, the status
 * describes the spec before the change, whose revision may well be stable already.
 */
export function waitVerdict(status: ReleaseStatus | undefined, revision: string | undefined, generation?: number): WaitVerdict {
  if (!status) return { done: false, message: 'no status yet' };
  if (generation !== undefined && (status.observedGeneration ?? 0) < generation) {
    return { done: false, message: `controller has not seen generation ${generation} yet (observed ${status.observedGeneration ?? 'none'})` };
  }
  const wanted = revision ?? status.desiredRevision ?? undefined;
  if (!wanted) return { done: false, message: 'no desired revision yet' };
  if (status.phase === 'Invalid') return { done: true, exitCode: WAIT_EXIT.failed, message: `invalid: ${status.message ?? ''}` };
  if (revision && !sameRevision(status.desiredRevision, revision)) {
    return { done: false, message: `controller has not seen ${revision} yet (desired ${status.desiredRevision ?? 'none'})` };
  }
  if (sameRevision(status.blockedRevision, wanted)) {
    const last = status.history?.find((h) => sameRevision(h.revision, wanted));
    return { done: true, exitCode: WAIT_EXIT.failed, message: `${wanted} was ${(last?.result ?? 'blocked').toLowerCase()}: ${last?.reason ?? status.message ?? ''}` };
  }
  if (status.phase === 'Stalled') {
    // Retrying cannot fix it: a person must act, so a pipeline should not sit out its timeout.
    const stalled = status.conditions?.find((c) => c.type === 'Stalled');
    return { done: true, exitCode: WAIT_EXIT.failed, message: `stalled (${stalled?.reason ?? 'Stalled'}): ${stalled?.message ?? status.message ?? ''}` };
  }
  const inFlight = !!status.rollout;
  if (sameRevision(status.stableRevision, wanted) && !inFlight && status.phase === 'Healthy') {
    return { done: true, exitCode: WAIT_EXIT.promoted, message: `${wanted} is stable and healthy` };
  }
  return { done: false, message: `${status.phase}: ${status.message ?? ''}` };
}

/** What a person needs to see when a wait fails: the revert's evidence. */
export function evidenceLines(status: ReleaseStatus | undefined): string[] {
  const r = status?.lastRevert;
  if (!r) return [];
  const lines = [
    `reverted ${r.revision} at ${r.revertedAt}`,
    `  condition: ${r.condition}${r.value !== undefined && r.value !== null ? ` value ${r.value}` : ''}${r.threshold ? ` threshold ${r.threshold}` : ''}${r.window ? ` over a ${r.window} window` : ''}${r.failFor ? `, failing for ${r.failFor}` : ''}`,
  ];
  if (r.failingSince) lines.push(`  failing since: ${r.failingSince}`);
  for (const t of r.stoppedTasks ?? []) {
    lines.push(`  stopped task ${t.taskArn}: ${t.stoppedReason ?? 'no reason given'}${exitText(t.exitCode)}`);
    for (const c of t.containers ?? []) lines.push(`    container ${c.name}: ${c.reason ?? 'no reason given'}${exitText(c.exitCode)}`);
  }
  return lines;
}

const exitText = (code: number | null | undefined): string => (code !== null && code !== undefined ? ` (exit ${code})` : '');
