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
 * Task definition revisions never change, so one look at each is enough. Room for two revisions
 * (stable and rollout) of 20,000 Releases; the least recently used goes first, so a controller
 * with more Releases than room still keeps the revisions its passes keep asking for.
 */
export class TaskDefinitionCache {
  private readonly byRef = new Map<string, TaskDefinition>();
  constructor(private readonly limit = 40_000) {}

  /** Revisions held now. */
  get size(): number {
    return this.byRef.size;
  }

  async get(ecs: EcsPort, ref: string): Promise<TaskDefinition> {
    const key = familyRevision(ref);
    const hit = key ? this.byRef.get(key) : undefined;
    if (hit && key) {
      // Map order is insertion order: moved to the end, it is the last to go.
      this.byRef.delete(key);
      this.byRef.set(key, hit);
      return hit;
    }
    const td = await ecs.describeTaskDefinition(ref);
    if (this.byRef.size >= this.limit) this.byRef.delete(this.byRef.keys().next().value as string);
    this.byRef.set(`${td.family}:${td.revision}`, td);
    return td;
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
    const td = await cache.get(ports.ecs, revision.taskDefinition).catch((err: unknown) => {
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
    const td = await cache.get(ports.ecs, ref);
    if (td.containers.some((c) => c.name === container && c.image === uri)) return `${td.family}:${td.revision}`;
  }
  // Registered before, but its status never written (a crash, an unwritable store): found again
  // by its tags rather than registered once more on every pass.
  const baseTd = await cache.get(ports.ecs, base);
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
