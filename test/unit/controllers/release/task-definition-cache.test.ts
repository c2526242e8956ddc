import { describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../../controllers/release/revision.js';
import type { EcsPort, TaskDefinition } from '../../../../src/cloud/ports.js';

/** An ECS that knows every revision and counts DescribeTaskDefinition calls. */
function countingEcs(): { ecs: EcsPort; calls: () => number } {
  let calls = 0;
  const ecs = {
    describeTaskDefinition: async (ref: string): Promise<TaskDefinition> => {
      calls++;
      const [family, revision] = ref.split(':') as [string, string];
      return { arn: `arn:aws:ecs:us-east-1:1:task-definition/${ref}`, family, revision: Number(revision), status: 'ACTIVE', containers: [] };
    },
  } as unknown as EcsPort;
  return { ecs, calls: () => calls };
}

/** One resync: every Release reads its stable and its desired revision, Releases in turn. */
async function resync(cache: TaskDefinitionCache, ecs: EcsPort, releases: number): Promise<void> {
  for (let r = 0; r < releases; r++) {
    cache.serve(`app-${r}`);
    await cache.get(ecs, `app-${r}:1`);
    await cache.get(ecs, `app-${r}:2`);
  }
}

describe('the task-definition cache', () => {
  it('keeps hitting past its minimum size: 3,000 Releases read 6,000 revisions in turn, a cache of minimum 1,000 describes each once', async () => {
    const { ecs, calls } = countingEcs();
    const cache = new TaskDefinitionCache({ minimum: 1_000 });
    await resync(cache, ecs, 3_000);
    expect(calls()).toBe(6_000);
    await resync(cache, ecs, 3_000);
    await resync(cache, ecs, 3_000);
    expect(calls()).toBe(6_000);
    expect(cache.size).toBe(6_000);
  });

  it('evicts the least recently used entry, not the oldest: a revision read on every pass stays', async () => {
    const { ecs, calls } = countingEcs();
    const cache = new TaskDefinitionCache({ minimum: 3, perRelease: 0 });
    await cache.get(ecs, 'hot:1');
    for (let i = 1; i <= 10; i++) {
      await cache.get(ecs, `cold:${i}`);
      await cache.get(ecs, 'hot:1');
    }
    expect(calls()).toBe(11);
    expect(cache.size).toBe(3);
  });

  it('forgets the Releases no longer served: 100 Releases, 90 removed, only the 10 keep entries (and a revision one of them shares)', async () => {
    const { ecs, calls } = countingEcs();
    const cache = new TaskDefinitionCache();
    const releases = Array.from({ length: 100 }, (_, r) => `app-${r}`);
    for (const name of releases) {
      cache.serve(name);
      await cache.get(ecs, `${name}:1`, name);
      await cache.get(ecs, `${name}:2`, name);
      // Every Release also reads a revision of a family they all share.
      await cache.get(ecs, 'shared:1', name);
    }
    expect(cache.size).toBe(201);
    for (const name of releases.slice(10)) cache.forget(name);
    expect(cache.size).toBe(21);

    // The 10 still served hit; a removed Release's revision is asked for again.
    const before = calls();
    for (const name of releases.slice(0, 10)) {
      await cache.get(ecs, `${name}:1`, name);
      await cache.get(ecs, `${name}:2`, name);
      await cache.get(ecs, 'shared:1', name);
    }
    expect(calls()).toBe(before);
    await cache.get(ecs, 'app-50:1');
    expect(calls()).toBe(before + 1);
    // Room is kept for the Releases served, not for those forgotten.
    expect(cache.capacity).toBe(1_000);
  });

  it('drops a shared revision only once every Release that read it is forgotten, and keeps an entry evicted before that out of the way', async () => {
    const { ecs } = countingEcs();
    const cache = new TaskDefinitionCache({ minimum: 2, perRelease: 0 });
    for (const name of ['a', 'b']) cache.serve(name);
    await cache.get(ecs, 'base:1', 'a');
    await cache.get(ecs, 'base:1', 'b');
    await cache.get(ecs, 'a:1', 'a');
    // base:1 is the least recently used now and goes when b:1 comes.
    await cache.get(ecs, 'b:1', 'b');
    expect(cache.size).toBe(2);
    cache.forget('a');
    expect(cache.size).toBe(1);
    await cache.get(ecs, 'base:1', 'b');
    cache.forget('b');
    expect(cache.size).toBe(0);
  });
});
