// spec.promotion judged: the other Release must serve exactly these digests as its stable revision,
// Healthy, with no rollout in flight, for at least stableFor, now. What cannot be read holds.
import { formatDuration, parseDuration } from '../../../src/api/duration.js';
import type { PromotionStatus, ReleaseStatus } from '../../../src/api/types.js';
import { shortDigest } from '../../../src/cloud/image-ref.js';
import { sameRevision } from '../../../src/cloud/task-definition-ref.js';
import type { Draft } from '../draft.js';
import { healthIntervalMs } from '../spec.js';
import { iso, ms } from '../status.js';
import type { Wait } from './waits.js';

export interface PromotionVerdict {
  status: PromotionStatus;
  /** Absent when met. */
  wait?: Wait;
}

export function judgePromotion(d: Draft, desired: string): PromotionVerdict {
  const promotion = d.spec.promotion;
  if (!promotion) throw new Error('judgePromotion without spec.promotion');
  const from = promotion.from.release;
  const stableForMs = parseDuration(promotion.from.stableFor);
  const poll = healthIntervalMs(d.spec);
  const waiting = (state: 'Waiting' | 'Unknown', message: string, requeueAfter = poll): PromotionVerdict => ({
    status: { from, revision: desired, state, message },
    wait: { done: false, waitingOn: 'release', message: `promotion from ${from}: ${message}`, requeueAfter },
  });

  const ours = d.status.digests && sameRevision(d.status.digests.revision, desired) ? d.status.digests.images : undefined;
  if (!ours) return waiting('Unknown', `the image digests of ${desired} are not known yet`);
  const unresolved = ours.find((i) => i.digest === null);
  if (unresolved) return waiting('Unknown', `the digest of ${unresolved.image} (container ${unresolved.container}) is not known: ${unresolved.problem ?? 'not resolved'}`);
  const digests = [...new Set(ours.map((i) => i.digest as string))];
  const named = shortDigest(digests[0] as string) + (digests.length > 1 ? ` (and ${digests.length - 1} more)` : '');

  const source = d.input.evidence?.promotionSource;
  if (!source || source.error) return waiting('Unknown', `the status of ${from} could not be read (${source?.error?.code ?? 'not read'}): unknown holds`);
  const other = source.status;
  if (!other) return waiting('Unknown', `${from} has no status: it is not a Release this controller reconciles, or not yet`);

  const served = new Set((other.stableDigests ?? []).map((i) => i.digest).filter((x): x is string => !!x));
  const missing = digests.filter((x) => !served.has(x));
  if (missing.length > 0) {
    return waiting('Waiting', `${shortDigest(missing[0] as string)} has not run in ${from} as its stable revision${describeServing(other)}`);
  }
  const since = other.stableSince ? ms(other.stableSince) : NaN;
  if (other.phase !== 'Healthy' || other.rollout || Number.isNaN(since)) {
    return waiting('Waiting', `${named} is not stable and Healthy in ${from} now (${other.phase}${other.rollout ? ', a rollout in flight' : ''})`);
  }
  const elapsed = Math.max(0, d.now - since);
  if (elapsed < stableForMs) {
    return waiting('Waiting', `${named} has been stable in ${from} for ${formatDuration(elapsed)} of ${formatDuration(stableForMs)}`, stableForMs - elapsed);
  }
  const evidence = { release: from, revision: other.stableRevision ?? null, digests, stableSince: iso(since), checkedAt: iso(d.now) };
  return { status: { from, revision: desired, state: 'Met', message: `${named} has been stable in ${from} for ${formatDuration(elapsed)} (since ${iso(since)})`, evidence } };
}

function describeServing(other: ReleaseStatus): string {
  const now = (other.stableDigests ?? []).map((i) => i.digest).filter((x): x is string => !!x);
  return now.length > 0 ? ` (it serves ${now.map(shortDigest).join(', ')})` : '';
}
