import { describe, expect, it } from 'vitest';
import { fixtureWorld, SHOP, simulate } from './fixtures.js';

describe('one-off tasks and registered revisions', () => {
  it('runs a one-off task to its exit code, like a migration', async () => {
    const world = fixtureWorld('two-colours.yaml');
    const td = world.taskDefinitions.find((t) => t.revision === 2);
    if (!td) throw new Error('fixture changed');
    td.profile = { ...td.profile, runTask: { duration: '45s', exitCode: 3 } };
    const { sim, clock } = simulate(world);
    const ecs = sim.provider(undefined).ecs;
    const { taskArn } = await ecs.runTask({ cluster: SHOP.cluster, taskDefinition: 'shop-api:2', likeService: 'api-blue', overrides: [{ name: 'api', command: ['migrate'] }] });
    await clock.advance(30_000);
    expect((await ecs.describeTasks(SHOP.cluster, [taskArn]))[0]).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    await clock.advance(60_000);
    const [done] = await ecs.describeTasks(SHOP.cluster, [taskArn]);
    expect(done).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
    expect(done?.containers[0]?.exitCode).toBe(3);
    // Started 20s after creation (one tick later), exits 45s after it started.
    expect((done?.stoppedAt ?? 0) - (done?.startedAt ?? 0)).toBe(45_000);
    await expect(ecs.runTask({ cluster: SHOP.cluster, taskDefinition: 'shop-api:2', likeService: 'nope' })).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('gives a registered image the behaviour the world assigns to it', async () => {
    const world = fixtureWorld('two-colours.yaml');
    const badImage = 'registry.example/shop-api@sha256:9999999999999999999999999999999999999999999999999999999999999999';
    world.images = [{ image: badImage, profile: { errorRate: 1 } }];
    const { sim, clock } = simulate(world);
    const ecs = sim.provider(undefined).ecs;
    const td = await ecs.registerTaskDefinitionFrom('shop-api', { container: 'api', image: badImage });
    expect(td).toMatchObject({ family: 'shop-api', revision: 6, containers: [{ name: 'api', image: badImage }] });
    await expect(ecs.registerTaskDefinitionFrom('shop-api:1', { container: 'sidecar', image: badImage })).rejects.toMatchObject({ code: 'Invalid' });
    await ecs.updateService({ cluster: SHOP.cluster, service: 'api-green', taskDefinition: 'shop-api:6' });
    await clock.advance(10 * 60_000);
    const served = sim.stats.byRevision['shop-api:6'];
    expect(served?.requests).toBeGreaterThan(0);
    expect(served?.target5xx).toBe(served?.requests);
    expect(sim.calls).toMatchObject({ 'ecs:DescribeTaskDefinition': 2, 'ecs:RegisterTaskDefinition': 2 });
  });
});
