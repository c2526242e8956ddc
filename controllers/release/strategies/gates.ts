// Checks a revision must pass before its rollout starts: no plaintext secrets in its task
// definition (refused: blocked, like a failed revision), and spec.promotion (a wait on another
// Release). They hold forward progress only: a revision this Release already served as stable is a
// rollback and passes, and nothing here is asked once a rollout is in flight.
import { describeFindings } from '../../../src/api/plaintext-secrets.js';
import type { PlaintextCheck } from '../../../src/api/types.js';
import { familyRevision, sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { healthIntervalMs } from '../spec.js';
import { appendHistory, iso, REASONS } from '../status.js';
import { judgePromotion } from './promotion.js';
import { phaseOfWait, type Wait } from './waits.js';

/** True when a gate holds or refused `desired`: the strategy must not start it this pass. */
export function heldByGates(d: Draft, desired: string, serving: string): boolean {
  if (isRollback(d, desired)) {
    if (d.spec.promotion) {
      d.status.promotion = { from: d.spec.promotion.from.release, revision: desired, state: 'Exempt', message: `${desired} was stable here before: going back to it is a rollback` };
    }
    return false;
  }
  const plaintext = d.input.evidence?.plaintext;
  if (!plaintext || !sameRevision(plaintext.revision, desired)) {
    // Not checked is not clean: the task definition could not be read this pass.
    return holdForGate(d, desired, { done: false, waitingOn: 'cloud', message: `its task definition could not be read for the plaintext-secret check`, requeueAfter: healthIntervalMs(d.spec) });
  }
  const check: PlaintextCheck = { revision: desired, generation: d.input.generation, refused: plaintext.refused, allowed: plaintext.allowed };
  d.status.plaintext = check;
  if (check.refused.length > 0) {
    refusePlaintext(d, desired, serving, check);
    return true;
  }
  if (!d.spec.promotion) return false;
  const verdict = judgePromotion(d, desired);
  const before = d.status.promotion;
  d.status.promotion = verdict.status;
  const changed = !before || before.state !== verdict.status.state || !sameRevision(before.revision, desired);
  if (verdict.wait) {
    if (changed) d.emit({ type: 'PromotionWaiting', toRevision: desired, fromRevision: d.status.stableRevision ?? null, reason: verdict.status.message, message: `${desired} waits for promotion: ${verdict.status.message}` });
    return holdForGate(d, desired, verdict.wait);
  }
  if (changed) d.emit({ type: 'PromotionMet', toRevision: desired, fromRevision: d.status.stableRevision ?? null, reason: verdict.status.message, message: `${desired} may start: ${verdict.status.message}` });
  return false;
}

/** A revision this Release served as stable before (promoted, or replaced by a promotion): going back to it is never held. */
function isRollback(d: Draft, desired: string): boolean {
  return (d.status.history ?? []).some((h) => h.result === 'Promoted' && (sameRevision(h.revision, desired) || sameRevision(h.fromRevision, desired)));
}

function holdForGate(d: Draft, desired: string, wait: Wait): true {
  const { phase, reason } = phaseOfWait(d, wait);
  d.setPhase(phase, reason, `${desired} waits to start: ${wait.message}`);
  d.requeue(Math.max(0, wait.requeueAfter ?? healthIntervalMs(d.spec)));
  return true;
}

/** Blocked like a failed revision (Degraded, history, an event), with names and never values. */
function refusePlaintext(d: Draft, desired: string, serving: string, check: PlaintextCheck): void {
  const revision = familyRevision(desired) ?? desired;
  const reason = `plaintext secrets in the task definition's environment: ${describeFindings(check.refused)}; move them to secrets (valueFrom) or allow them with the keelson.dev/allow-plaintext annotation`;
  d.status.blockedRevision = revision;
  d.status.history = appendHistory(d.status.history, {
    revision,
    fromRevision: d.status.stableRevision ?? null,
    result: 'Refused',
    reason,
    startedAt: iso(d.now),
    finishedAt: iso(d.now),
    ...(d.status.digests && sameRevision(d.status.digests.revision, desired) ? { digests: d.status.digests.images } : {}),
  });
  const message = `${revision} refused before any write: ${reason}; ${serving}`;
  d.setPhase('Degraded', REASONS.PlaintextSecret, message);
  d.emit({ type: 'PlaintextRefused', toRevision: revision, fromRevision: d.status.stableRevision ?? null, reason, message });
}
