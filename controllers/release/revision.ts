// Turning spec.revision into `family:revision`: a task definition as named, or an image that
// becomes a new revision derived from the stable one (registered once, then found again).
import type { ReleaseSpec, ReleaseStatus } from '../../src/api/types.js';
import type { EcsPort, TaskDefinition } from '../../src/cloud/ports.js';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';

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
