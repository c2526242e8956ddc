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
});
