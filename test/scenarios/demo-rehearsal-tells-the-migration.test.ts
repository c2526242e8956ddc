import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/rehearse/rehearse.js';
import { loadWorld } from '../../src/sim/world-loader.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the demo tells the migration job of runbook 000 §4', () => {
  it('runs aep-backend-prod:12 migrate before green starts, with its task and log stream in the timeline', async () => {
    const world = await loadWorld(join(root, 'manifests/sim/world.yaml'));
    // Only the two approvals of :12: the example's first step, before its preDeploy job, waits for them.
    world.timeline = (world.timeline ?? []).filter((t) => 'operation' in t && t.operation === 'approve' && t.revision === 'aep-backend-prod:12');
    expect(world.timeline).toHaveLength(2);
    const file = join(root, 'manifests/examples/aep-backend-canary.yaml');
    const result = await rehearse({ world, releases: [{ file, text: await readFile(file, 'utf8') }], untilMs: 5 * 60_000, http: false });

    const lines = result.events.filter((e) => e.release === 'aep-backend-prod' && e.kind === 'event');
    const types = lines.map((e) => e.type);
    const approvalEvents = new Set(['AwaitingApproval', 'Approved']);
    expect(types.filter((t) => !approvalEvents.has(t)).slice(0, 3)).toEqual(['RolloutStarted', 'JobStarted', 'JobSucceeded']);
    const succeeded = lines.find((e) => e.type === 'JobSucceeded');
    expect(succeeded?.message).toBe('job migrate (preDeploy) on aep-backend-prod:12 succeeded: exited 0');
    const taskId = succeeded?.job?.taskArn?.split('/').pop();
    expect(succeeded?.job).toMatchObject({ name: 'migrate', hook: 'preDeploy', exitCode: 0, log: { group: '/ecs/aep-backend-prod', stream: `aep/backend/${taskId}` } });
    // Green was updated to :12 only after the migration had succeeded.
    const migrated = Date.parse(succeeded?.at as string);
    const greenUp = result.sim.events.find((e) => e.kind === 'deployment.created' && e.subject === 'aep-backend-green');
    expect(Date.parse(greenUp?.at as string)).toBeGreaterThanOrEqual(migrated);
  });
});
