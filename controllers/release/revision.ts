// Turning spec.revision into `family:revision`: a task definition as named, or an image that
// becomes a new revision derived from the stable one (registered once, then found again).
import { createHash } from 'node:crypto';
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import { CloudError, isCloudError } from '../../src/cloud/errors.js';
import type { CloudPorts, EcsPort, TaskDefinition } from '../../src/cloud/ports.js';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import { RevisionNotFoundError } from './failure.js';
import { colourCarryingTraffic, twoColour } from './spec.js';
import { routerFor } from './traffic/router.js';
import type { UnreadGap } from './observation.js';

/**
 * Task definitions by family:revision. Caching is safe: a registered revision never changes (ECS
 * registers a new revision for every change), so an entry is never stale. The least recently
 * used entry goes first, and room is kept for `perRelease` entries per Release served: a resync
 * reads each Release's stable and desired revisions in turn, a cyclic pattern that a cache of
 * fixed size smaller than that working set would miss on every read. A Release no longer served
 * (gone from its source) is forgotten with the entries only it read, so the cache stays the size
 * of the live Releases; the entries of the others stay where they are.
 */
export class TaskDefinitionCache {
  private readonly byRef = new Map<string, { td: TaskDefinition; readBy: Set<string> }>();
  /** Each Release served → the entries it read. */
  private readonly releases = new Map<string, Set<string>>();
  private readonly minimum: number;
  private readonly perRelease: number;

  constructor(options: { minimum?: number; perRelease?: number } = {}) {
    this.minimum = options.minimum ?? 1_000;
    this.perRelease = options.perRelease ?? 4;
  }

  /** Keeps room for the revisions of this Release. */
  serve(release: string): void {
    if (!this.releases.has(release)) this.releases.set(release, new Set());
  }

  /** The Release is no longer served: its room, and the entries no other Release read, go. */
  forget(release: string): void {
    const refs = this.releases.get(release);
    this.releases.delete(release);
    for (const key of refs ?? []) {
      const entry = this.byRef.get(key);
      entry?.readBy.delete(release);
      if (entry?.readBy.size === 0) this.byRef.delete(key);
    }
  }

  get capacity(): number {
    return Math.max(this.minimum, this.perRelease * this.releases.size);
  }

  get size(): number {
    return this.byRef.size;
  }

  /** The task definition `ref` names, read for `release` (the Release whose pass asks). */
  async get(ecs: EcsPort, ref: string, release?: string): Promise<TaskDefinition> {
    const key = familyRevision(ref);
    const hit = key ? this.byRef.get(key) : undefined;
    if (key && hit) {
      // Moved to the newest end: the Map's order is the order of use.
      this.byRef.delete(key);
      this.byRef.set(key, hit);
      this.readFor(key, hit, release);
      return hit.td;
    }
    const td = await ecs.describeTaskDefinition(ref);
    const stored = `${td.family}:${td.revision}`;
    const entry = this.byRef.get(stored) ?? { td, readBy: new Set<string>() };
    this.byRef.delete(stored);
    this.byRef.set(stored, entry);
    this.readFor(stored, entry, release);
    while (this.byRef.size > this.capacity) this.evictOldest();
    return td;
  }

  private readFor(key: string, entry: { readBy: Set<string> }, release: string | undefined): void {
    const refs = release === undefined ? undefined : this.releases.get(release);
    if (!refs || release === undefined) return;
    refs.add(key);
    entry.readBy.add(release);
  }

  private evictOldest(): void {
    const [key, entry] = this.byRef.entries().next().value as [string, { readBy: Set<string> }];
    this.byRef.delete(key);
    for (const release of entry.readBy) this.releases.get(release)?.delete(key);
  }
}

export async function resolveRevision(
  release: Release,
  status: ReleaseStatus,
  ports: CloudPorts,
  cache: TaskDefinitionCache,
): Promise<string> {
  const revision = release.spec.revision;
  if (revision.taskDefinition !== undefined) {
    // Looked up before anything is written: an UpdateService to a revision that does not exist
    // would fail on every pass until the progress deadline, and the cause would be lost.
    const td = await cache.get(ports.ecs, revision.taskDefinition, release.metadata.name).catch((err: unknown) => {
      throw isCloudError(err, 'NotFound') ? new RevisionNotFoundError(revision.taskDefinition as string, err) : err;
    });
    return `${td.family}:${td.revision}`;
  }
  const { container, uri } = revision.image;
  // Seen for the first time, nothing is stable yet: derive from what serves traffic now.
  const base = status.stableRevision ?? (await servingRevision(release, ports));
  const candidates = [status.rollout?.revision, status.desiredRevision, base].filter(
    (r): r is string => typeof r === 'string' && r.length > 0,
  );
  for (const ref of candidates) {
    const td = await cache.get(ports.ecs, ref, release.metadata.name);
    if (td.containers.some((c) => c.name === container && c.image === uri)) return `${td.family}:${td.revision}`;
  }
  // Registered before, but its status never written (a crash, an unwritable store): found again
  // by its tags rather than registered once more on every pass.
  const baseTd = await cache.get(ports.ecs, base, release.metadata.name);
  const baseRevision = `${baseTd.family}:${baseTd.revision}`;
  const tags = derivedTags(baseRevision, container, uri);
  const found = await ports.ecs.findTaskDefinition(baseTd.family, tags, { limit: DERIVED_LOOKUP_LIMIT });
  if (found) return `${found.family}:${found.revision}`;
  const registered = await ports.ecs.registerTaskDefinitionFrom(base, { container, image: uri }, tags);
  return `${registered.family}:${registered.revision}`;
}

/** Revisions of the family looked at, newest first: a derived one is found among the latest. */
const DERIVED_LOOKUP_LIMIT = 10;
export const DERIVED_FROM_TAG = 'keelson.dev/derived-from';
export const SPEC_HASH_TAG = 'keelson.dev/spec-hash';

/** The tags that name a derived revision by what it was made from. Pure. */
export function derivedTags(base: string, container: string, image: string): Record<string, string> {
  const hash = createHash('sha256').update(JSON.stringify({ base, container, image })).digest('hex').slice(0, 32);
  return { [DERIVED_FROM_TAG]: base, [SPEC_HASH_TAG]: hash };
}

/** The revision the rolling service, or the colour carrying the traffic, runs now. */
async function servingRevision(release: Release, ports: CloudPorts): Promise<string> {
  const { spec } = release;
  const tc = twoColour(spec);
  const service = tc
    ? tc.services[colourCarryingTraffic((await routerFor(tc.traffic).readWeights(ports, null)).weights)]
    : (spec.strategy.rolling?.service as string);
  const found = (await ports.ecs.describeServices(spec.cluster, [service])).services[0];
  if (!found) {
    throw new CloudError('NotFound', `service ${service} not found in cluster ${spec.cluster}`, { service: 'ecs', operation: 'DescribeServices' });
  }
  return familyRevision(found.taskDefinition) ?? found.taskDefinition;
}

/** Errors a later pass may not meet: only these let a pass go on with the revision it knew. */
const RETRYABLE = new Set(['Throttled', 'Unavailable', 'Timeout']);

/**
 * The desired revision; when ECS cannot be asked right now (throttled, say), the one this same
 * spec resolved to before, with the failed read as a gap. A revision that does not exist, or
 * nothing known: it throws.
 */
export async function resolveOrKeepRevision(
  release: Release,
  status: ReleaseStatus,
  generation: number,
  ports: CloudPorts,
  cache: TaskDefinitionCache,
): Promise<{ revision: string; gap?: UnreadGap }> {
  try {
    return { revision: await resolveRevision(release, status, ports, cache) };
  } catch (err) {
    const rollout = status.rollout && status.rollout.generation === generation ? status.rollout : undefined;
    const known = rollout?.revision ?? (status.observedGeneration === generation ? status.desiredRevision : undefined);
    if (!isCloudError(err) || !RETRYABLE.has(err.code) || !known) throw err;
    const what = err.details.service && err.details.operation ? `${err.details.service}:${err.details.operation}` : 'ecs:DescribeTaskDefinition';
    return { revision: known, gap: { part: 'desiredRevision', what, code: err.code, message: err.message } };
  }
}
