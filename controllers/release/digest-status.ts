// What every Release records about digests, gated or not, so another Release can gate on it: the
// desired revision's digests (resolved once), the stable revision's, and since when the stable
// revision has been stable and Healthy. History entries finished this pass carry their evidence.
import type { ImageDigest, Phase } from '../../src/api/types.js';
import { sameRevision } from '../../src/cloud/task-definition-ref.js';
import type { Draft } from './draft.js';
import { digestsFinal } from './evidence.js';
import { iso } from './status.js';

/** Before the strategy: this pass's digests into status; a plaintext refusal of an older spec is looked at again. */
export function recordDigests(d: Draft): void {
  const desired = d.status.desiredRevision;
  const fresh = desired ? d.input.evidence?.digests[desired] : undefined;
  if (desired && fresh) d.status.digests = { revision: desired, images: fresh, resolvedAt: iso(d.now) };
  else if (d.status.digests && !sameRevision(d.status.digests.revision, desired)) d.status.digests = null;
  if (!d.spec.promotion) d.status.promotion = null;
  else if (d.status.promotion && !sameRevision(d.status.promotion.revision, desired)) d.status.promotion = null;

  // The allow-list lives in the manifest: a new generation may let a refused revision through.
  const check = d.status.plaintext;
  if (check && check.refused.length > 0 && check.generation !== d.input.generation && sameRevision(d.status.blockedRevision, check.revision)) {
    const last = d.status.history?.find((h) => sameRevision(h.revision, check.revision));
    if (last?.result === 'Refused') d.status.blockedRevision = null;
  }
}

/** Phases in which the stable revision serves, Healthy, as far as this Release knows. */
function servingHealthy(d: Draft): boolean {
  const phase: Phase = d.status.phase;
  if (d.status.rollout) return false;
  if (phase === 'Healthy') return true;
  // A newer revision held at the promotion gate has not touched the stable one.
  return phase === 'Pending' && (d.status.promotion?.state === 'Waiting' || d.status.promotion?.state === 'Unknown');
}

/** After the strategy: stable digests and stableSince follow what the pass decided. */
export function recordStable(d: Draft): void {
  const before = d.input.status;
  const stable = d.status.stableRevision;
  const digestsOf = (revision: string): ImageDigest[] | undefined =>
    d.status.digests && sameRevision(d.status.digests.revision, revision) ? d.status.digests.images : d.input.evidence?.digests[revision];
  if (!stable) {
    d.status.stableDigests = null;
    d.status.stableSince = null;
  } else if (!sameRevision(before.stableRevision, stable)) {
    d.status.stableDigests = digestsOf(stable) ?? null;
    d.status.stableSince = null;
  } else if (!digestsFinal(d.status.stableDigests)) {
    d.status.stableDigests = digestsOf(stable) ?? d.status.stableDigests ?? null;
  }
  // A stall in between (the last pass failed for good) starts the count again.
  if (!stable || !servingHealthy(d) || before.phase === 'Stalled') d.status.stableSince = null;
  if (stable && servingHealthy(d)) d.status.stableSince ??= iso(d.now);

  const finishedNow = iso(d.now);
  for (const entry of d.status.history ?? []) {
    if (entry.finishedAt !== finishedNow) break;
    const digests = digestsOf(entry.revision);
    if (!entry.digests && digests) entry.digests = digests;
    const promotion = d.status.promotion;
    if (!entry.promotion && promotion?.state === 'Met' && promotion.evidence && sameRevision(promotion.revision, entry.revision)) entry.promotion = promotion.evidence;
  }
}
