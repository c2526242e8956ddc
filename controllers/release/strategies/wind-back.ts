// Winding a rollout back (revert, abort, superseded): what every strategy records the same way.
import type { RevertEvidence, RolloutProgress, RolloutResult } from '../../../src/api/types.js';
import { familyRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { eventHealth } from '../health-status.js';
import { appendHistory, iso, REASONS } from '../status.js';
import { restartRecord } from '../restart.js';

/** History, the blocked revision, the evidence and the event; the strategy then moves traffic back. */
export function recordWindBack(
  d: Draft,
  r: RolloutProgress,
  result: RolloutResult,
  reason: string,
  evidence?: RevertEvidence,
): void {
  const revision = familyRevision(r.revision) ?? r.revision;
  r.result = result;
  d.status.history = appendHistory(d.status.history, {
    revision,
    fromRevision: d.status.stableRevision ?? null,
    result,
    reason,
    startedAt: r.startedAt,
    finishedAt: iso(d.now),
    ...restartRecord(r),
  });
  const stable = d.status.stableRevision;
  if (result === 'Superseded') {
    // Nothing failed and nothing is blocked, but traffic still goes back to stable first.
    const next = d.status.desiredRevision ?? null;
    d.emit({
      type: 'Superseded',
      fromRevision: revision,
      toRevision: stable ?? null,
      reason,
      health: eventHealth(d.input.health),
      message: `${revision} superseded by ${next ?? 'a newer revision'}; traffic goes back to ${stable ?? 'stable'} before it starts`,
    });
    return;
  }
  // A failed restart leaves the stable revision's old tasks serving: that revision is not blocked.
  if (!r.restart) d.status.blockedRevision = revision;
  if (evidence) d.status.lastRevert = evidence;
  const image = stable ? d.observed.images?.[stable] : undefined;
  d.emit({
    type: result === 'Aborted' ? 'Aborted' : 'Reverted',
    fromRevision: revision,
    toRevision: stable ?? null,
    reason,
    health: eventHealth(d.input.health),
    ...(stable ? { rollbackTarget: { revision: stable, ...(image ? { image } : {}) } } : {}),
    ...(evidence ? { evidence } : {}),
    message: `${result === 'Aborted' ? 'aborted' : 'reverted'} ${revision}: ${reason}`,
  });
}

export function setWindBackPhase(d: Draft, r: RolloutProgress, message: string): void {
  if (r.result === 'Aborted') d.setPhase('Aborted', REASONS.Aborted, message);
  else if (r.result === 'Reverted') d.setPhase('Degraded', REASONS.Reverted, message);
  else d.setPhase('Progressing', REASONS.RolloutInProgress, message);
}
