// What the gates need that plan() cannot read itself: image digests (ECR), the other Release's
// status (the state store) and the plaintext check of the desired task definition. Gathered before
// plan() so plan stays pure; a read that fails is recorded as unknown, never as a pass.
import type { Logger } from 'pino';
import type { ImageDigest, PlaintextFinding, Release, ReleaseStatus } from '../../src/api/types.js';
import { allowedNames, findPlaintextSecrets } from '../../src/api/plaintext-secrets.js';
import { isCloudError } from '../../src/cloud/errors.js';
import { parseImage } from '../../src/cloud/image-ref.js';
import type { CloudProvider, TaskDefinition } from '../../src/cloud/ports.js';
import { sameRevision } from '../../src/cloud/task-definition-ref.js';

/** The other Release of spec.promotion, as the state store holds it. */
export interface PromotionSource {
  release: string;
  /** Absent: the store has no status for it (not a Release this controller reconciles, or not yet). */
  status?: ReleaseStatus;
  /** The store could not be read: unknown, which holds. */
  error?: { code: string; message: string };
}

export interface GateEvidence {
  /** Digests resolved this pass, by revision (`family:revision`). */
  digests: Record<string, ImageDigest[]>;
  promotionSource?: PromotionSource;
  /** The desired revision's plaintext check; names only. */
  plaintext?: { revision: string; refused: PlaintextFinding[]; allowed: PlaintextFinding[] };
}

/** An image that is neither pinned nor in ECR cannot be resolved by keelson. */
export const NOT_ECR = 'NotEcr';

/** Each container's digest: pinned in the URI, resolved from an ECR tag, or unresolved with why. */
export async function resolveDigests(td: TaskDefinition, cloud: CloudProvider): Promise<ImageDigest[]> {
  const out: ImageDigest[] = [];
  for (const c of td.containers) {
    const ref = parseImage(c.image);
    if (ref.digest) {
      out.push({ container: c.name, image: c.image, digest: ref.digest, source: 'pinned' });
      continue;
    }
    if (!ref.ecr) {
      const problem = `${NOT_ECR}: a tag outside ECR is not resolved; pin it by digest (repo@sha256:...)`;
      out.push({ container: c.name, image: c.image, digest: null, source: 'unresolved', code: NOT_ECR, problem });
      continue;
    }
    try {
      const found = await cloud(ref.ecr.region).registry.describeImageByTag(ref.ecr.repository, ref.tag ?? 'latest', ref.ecr.registryId);
      out.push({ container: c.name, image: c.image, digest: found.digest, source: 'ecr' });
    } catch (err) {
      if (!isCloudError(err)) throw err;
      out.push({ container: c.name, image: c.image, digest: null, source: 'unresolved', code: err.code, problem: `${err.code}: ${err.message}` });
    }
  }
  return out;
}

/** Recorded digests are final unless a lookup failed for a reason a later pass may not meet. */
export function digestsFinal(images: readonly ImageDigest[] | null | undefined): boolean {
  return !!images && images.every((i) => i.digest !== null || i.code === NOT_ECR);
}

export interface EvidenceReads {
  cloud: CloudProvider;
  readStatus: (release: string) => Promise<ReleaseStatus | undefined>;
  taskDefinition: (ref: string) => Promise<TaskDefinition>;
}

/**
 * Reads what this pass's gates need, each at most once per revision: digests already recorded
 * for a revision are not looked up again (a tag is resolved once, then its digest stands).
 */
export async function gatherEvidence(
  release: Release,
  previous: ReleaseStatus,
  desiredRevision: string,
  reads: EvidenceReads,
): Promise<GateEvidence> {
  const evidence: GateEvidence = { digests: {} };
  const known = previous.digests && sameRevision(previous.digests.revision, desiredRevision) ? previous.digests.images : undefined;
  const desiredTd = await reads.taskDefinition(desiredRevision).catch(() => undefined);
  if (desiredTd && !digestsFinal(known)) evidence.digests[desiredRevision] = await resolveDigests(desiredTd, reads.cloud);
  if (previous.stableRevision && !digestsFinal(previous.stableDigests) && !sameRevision(previous.stableRevision, desiredRevision)) {
    const stableTd = await reads.taskDefinition(previous.stableRevision).catch(() => undefined);
    if (stableTd) evidence.digests[previous.stableRevision] = await resolveDigests(stableTd, reads.cloud);
  }
  if (desiredTd) {
    evidence.plaintext = { revision: desiredRevision, ...findPlaintextSecrets(desiredTd.containers, allowedNames(release.metadata.annotations)) };
  }
  // The promotion gate is asked only before a rollout starts: a steady or rolling Release reads no other status.
  const from = release.spec.promotion?.from.release;
  const aboutToStart = !previous.rollout && !sameRevision(desiredRevision, previous.stableRevision);
  if (from && aboutToStart) {
    try {
      const status = await reads.readStatus(from);
      evidence.promotionSource = { release: from, ...(status ? { status } : {}) };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      evidence.promotionSource = { release: from, error: { code: typeof code === 'string' ? code : 'Unknown', message: err instanceof Error ? err.message : String(err) } };
    }
  }
  return evidence;
}

/** One line per digest a lookup failed to resolve this pass, with its code (the AWS call is counted in metrics). */
export function logUnresolved(log: Logger, evidence: GateEvidence): void {
  for (const [revision, images] of Object.entries(evidence.digests)) {
    for (const i of images) {
      if (i.digest !== null || !i.problem) continue;
      log.warn({ code: i.code ?? 'Unknown', revision, container: i.container, image: i.image }, `digest of ${i.image} not resolved: ${i.problem}`);
    }
  }
  const source = evidence.promotionSource;
  if (source?.error) log.warn({ code: source.error.code, from: source.release }, `status of ${source.release} could not be read: ${source.error.message}`);
}
