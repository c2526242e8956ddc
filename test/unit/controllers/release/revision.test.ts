import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/cloud/errors.js';
import type { CloudPorts, EcsPort } from '../../../../src/cloud/ports.js';
import { resolveOrKeepRevision, TaskDefinitionCache } from '../../../../controllers/release/revision.js';
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
