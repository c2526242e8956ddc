// Turning spec.revision into `family:revision`: a task definition as named, or an image that
// becomes a new revision derived from the stable one (registered once, then found again).
import type { ReleaseSpec, ReleaseStatus } from '../../src/api/types.js';
import { isCloudError } from '../../src/cloud/errors.js';
import type { EcsPort, TaskDefinition } from '../../src/cloud/ports.js';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import type { UnreadGap } from './observation.js';

/** Task definition revisions never change, so one look at each is enough. */
export class TaskDefinitionCache {
  private readonly byRef = new Map<string, TaskDefinition>();
  constructor(private readonly limit = 10_000) {}

  async get(ecs: EcsPort, ref: string): Promise<TaskDefinition> {
    const key = familyRevision(ref);
    const hit = key ? this.byRef.get(key) : undefined;
    if (hit) return hit;
    const td = await ecs.describeTaskDefinition(ref);
    if (this.byRef.size >= this.limit) this.byRef.delete(this.byRef.keys().next().value as string);
    this.byRef.set(`${td.family}:${td.revision}`, td);
    return td;
  }
}

export async function resolveRevision(
  spec: ReleaseSpec,
  status: ReleaseStatus,
  ecs: EcsPort,
  cache: TaskDefinitionCache,
): Promise<string> {
  const revision = spec.revision;
  if (revision.taskDefinition !== undefined) {
    const named = familyRevision(revision.taskDefinition);
    if (named) return named;
    const latest = await ecs.describeTaskDefinition(revision.taskDefinition); // a bare family: its latest ACTIVE revision
    return `${latest.family}:${latest.revision}`;
  }
  const { container, uri } = revision.image;
  const candidates = [status.rollout?.revision, status.desiredRevision, status.stableRevision].filter(
    (r): r is string => typeof r === 'string' && r.length > 0,
  );
  for (const ref of candidates) {
    const td = await cache.get(ecs, ref);
    if (td.containers.some((c) => c.name === container && c.image === uri)) return `${td.family}:${td.revision}`;
  }
  const base = status.stableRevision;
  if (!base) throw new Error('spec.revision.image needs a stable task definition to derive from; none is known yet');
  const registered = await ecs.registerTaskDefinitionFrom(base, { container, image: uri });
  return `${registered.family}:${registered.revision}`;
}

/**
 * The desired revision; when ECS cannot be asked (a bare family, an image not seen yet), the one
 * this same spec resolved to before, with the failed read as a gap. Nothing known: it throws.
 */
export async function resolveOrKeepRevision(
  spec: ReleaseSpec,
  status: ReleaseStatus,
  generation: number,
  ecs: EcsPort,
  cache: TaskDefinitionCache,
): Promise<{ revision: string; gap?: UnreadGap }> {
  try {
    return { revision: await resolveRevision(spec, status, ecs, cache) };
  } catch (err) {
    const rollout = status.rollout && !status.rollout.completedAt && status.rollout.generation === generation ? status.rollout : undefined;
    const known = rollout?.revision ?? (status.observedGeneration === generation ? status.desiredRevision : undefined);
    if (!isCloudError(err) || !known) throw err;
    const what = err.details.service && err.details.operation ? `${err.details.service}:${err.details.operation}` : 'ecs:DescribeTaskDefinition';
    return { revision: known, gap: { part: 'desiredRevision', what, code: err.code, message: err.message } };
  }
}
