import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/cloud/errors.js';
import type { CloudPorts, EcsPort } from '../../../../src/cloud/ports.js';
import { derivedTags, resolveOrKeepRevision, resolveRevision, TaskDefinitionCache } from '../../../../controllers/release/revision.js';
import { fixtureWorld, simulate } from '../../sim/fixtures.js';
import { canaryRelease, initialStatus, T0 } from './plan-fixtures.js';

/** ECS throttles the lookup of a bare family's latest revision. */
const ecs = {
  describeTaskDefinition: async () =>
    Promise.reject(new CloudError('Throttled', 'Rate exceeded', { service: 'ecs', operation: 'DescribeTaskDefinition' })),
} as unknown as EcsPort;
const ports = { ecs } as unknown as CloudPorts;

const release = canaryRelease('app');
const rollout = (generation: number) => ({
  ...initialStatus(),
  observedGeneration: generation,
  desiredRevision: 'app:12',
  rollout: { revision: 'app:12', colour: 'green' as const, generation, startedAt: new Date(T0).toISOString(), stepIndex: 1, stepStartedAt: new Date(T0).toISOString(), result: null },
});

describe('resolveOrKeepRevision', () => {
  it('keeps the revision this same spec resolved to when ECS cannot be asked, and names the failed read', async () => {
    const resolved = await resolveOrKeepRevision(release, rollout(3), 3, ports, new TaskDefinitionCache());
    expect(resolved).toEqual({
      revision: 'app:12',
      gap: { part: 'desiredRevision', what: 'ecs:DescribeTaskDefinition', code: 'Throttled', message: 'Rate exceeded' },
    });
  });

  it('fails the pass when the spec changed since: what it asks for is not known', async () => {
    await expect(resolveOrKeepRevision(release, rollout(3), 4, ports, new TaskDefinitionCache())).rejects.toMatchObject({ code: 'Throttled' });
  });
});

describe('resolveRevision with an image', () => {
  const image = `registry.example.test/orders@sha256:${'7'.repeat(64)}`;
  const imageRelease = canaryRelease('orders:5', { cluster: 'orders' });
  imageRelease.spec.revision = { image: { container: 'app', uri: image } };
  const stableOnly = { ...initialStatus(), stableRevision: 'orders:5' };

  it('registers a derived revision once: after a crash that lost its status, the next pass finds it by its tags', async () => {
    const { sim } = simulate(fixtureWorld('contract-world.yaml'));
    const simPorts = sim.provider(undefined);

    const first = await resolveRevision(imageRelease, stableOnly, simPorts, new TaskDefinitionCache());
    // A restarted controller: a fresh cache and the status from before the pass.
    const again = await resolveRevision(imageRelease, stableOnly, simPorts, new TaskDefinitionCache());

    expect(again).toBe(first);
    expect(sim.calls['ecs:RegisterTaskDefinition']).toBe(1);
    const registered = await simPorts.ecs.findTaskDefinition('orders', derivedTags('orders:5', 'app', image), { limit: 10 });
    expect(registered).toMatchObject({ revision: Number(first.split(':')[1]), tags: { 'keelson.dev/derived-from': 'orders:5' } });
    await sim.close();
  });

  it('registers anew for another image or another base', async () => {
    const { sim } = simulate(fixtureWorld('contract-world.yaml'));
    const simPorts = sim.provider(undefined);
    const first = await resolveRevision(imageRelease, stableOnly, simPorts, new TaskDefinitionCache());
    const other = structuredClone(imageRelease);
    other.spec.revision = { image: { container: 'app', uri: `registry.example.test/orders@sha256:${'8'.repeat(64)}` } };
    const second = await resolveRevision(other, stableOnly, simPorts, new TaskDefinitionCache());
    expect(second).not.toBe(first);
    expect(sim.calls['ecs:RegisterTaskDefinition']).toBe(2);
    await sim.close();
  });
});

describe('TaskDefinitionCache', () => {
  const counting = () => {
    const asked: string[] = [];
    const port = {
      describeTaskDefinition: async (ref: string) => {
        asked.push(ref);
        const [family, revision] = ref.split(':');
        return { family, revision: Number(revision), containers: [] };
      },
    } as unknown as EcsPort;
    return { asked, port };
  };

  it('holds at most its limit, and lets the least recently used revision go first', async () => {
    const { asked, port } = counting();
    const cache = new TaskDefinitionCache({ minimum: 3, perRelease: 1 });
    for (const ref of ['a:1', 'b:1', 'c:1', 'a:1', 'd:1']) await cache.get(port, ref);
    expect(cache.size).toBe(3);
    // a:1 was used after b:1, so b:1 went when d:1 came.
    await cache.get(port, 'a:1');
    await cache.get(port, 'b:1');
    expect(asked).toEqual(['a:1', 'b:1', 'c:1', 'd:1', 'b:1']);
  });

  it('asks once per revision for every Release of a controller of 20,000 at their stable revision', async () => {
    const { asked, port } = counting();
    const cache = new TaskDefinitionCache();
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 20_000; i++) {
        // The reconciler tells the cache of every Release it serves, as a pass does.
        cache.serve(`app-${i}`);
        await cache.get(port, `app-${i}:1`);
      }
    }
    expect(asked).toHaveLength(20_000);
  });
});
