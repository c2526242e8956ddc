import { describe, expect, it } from 'vitest';
import { fixtureWorld, SHOP, simulate } from './fixtures.js';

describe('ECS rolling deployments', () => {
  it('keeps tasks within minimumHealthyPercent and maximumPercent at every tick until COMPLETED', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    const ports = sim.provider(undefined);
    // api-rolling: desiredCount 4, minimumHealthyPercent 50, maximumPercent 150.
    await ports.ecs.updateService({ cluster: SHOP.cluster, service: 'api-rolling', taskDefinition: 'shop-api:2' });
    let maxTotal = 0;
    let minHealthy = Infinity;
    let completedAt: number | undefined;
    for (let t = 0; t < 20 * 60 && completedAt === undefined; t++) {
      await clock.advance(1_000);
      const counts = sim.inspect.taskCounts(SHOP.cluster, 'api-rolling');
      maxTotal = Math.max(maxTotal, counts.total);
      minHealthy = Math.min(minHealthy, counts.healthy);
      expect(counts.total).toBeLessThanOrEqual(6);
      expect(counts.healthy).toBeGreaterThanOrEqual(2);
      const service = sim.inspect.service(SHOP.cluster, 'api-rolling');
      if (service.deployments[0]?.rolloutState === 'COMPLETED') completedAt = clock.now();
    }
    expect(completedAt).toBeDefined();
    // The limits were used, not merely respected.
    expect(maxTotal).toBe(6);
    expect(minHealthy).toBe(2);
    const done = sim.inspect.taskCounts(SHOP.cluster, 'api-rolling');
    expect(done.healthyByRevision).toEqual({ 'shop-api:2': 4 });
    expect(sim.inspect.service(SHOP.cluster, 'api-rolling').deployments).toHaveLength(1);
  });

  it('with 100/200 starts the whole new set before stopping any old task', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:2' });
    const seen: number[] = [];
    for (let t = 0; t < 15 * 60; t++) {
      await clock.advance(1_000);
      const c = sim.inspect.taskCounts(SHOP.cluster, 'api-blue');
      expect(c.healthy).toBeGreaterThanOrEqual(2);
      expect(c.total).toBeLessThanOrEqual(4);
      seen.push(c.total);
    }
    expect(Math.max(...seen)).toBe(4);
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue').healthyByRevision).toEqual({ 'shop-api:2': 2 });
  });

  it('starts no deployment for the same task definition without forceNewDeployment', async () => {
    const { sim } = simulate(fixtureWorld('two-colours.yaml'));
    const ports = sim.provider(undefined);
    const before = sim.inspect.service(SHOP.cluster, 'api-blue').deployments.map((d) => d.id);
    await ports.ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:1' });
    expect(sim.inspect.service(SHOP.cluster, 'api-blue').deployments.map((d) => d.id)).toEqual(before);
    const forced = await ports.ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', forceNewDeployment: true });
    expect(forced.deployments).toHaveLength(2);
    expect(forced.deployments[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    expect(forced.deployments[0]?.taskDefinition).toBe(forced.deployments[1]?.taskDefinition);
  });

  it('scales the PRIMARY deployment when only desiredCount changes', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    const updated = await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', desiredCount: 5 });
    expect(updated.deployments).toHaveLength(1);
    expect(updated.deployments[0]).toMatchObject({ desiredCount: 5, rolloutState: 'COMPLETED' });
    await clock.advance(5 * 60_000);
    const after = sim.inspect.service(SHOP.cluster, 'api-blue');
    expect(after.runningCount).toBe(5);
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue').healthy).toBe(5);
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', desiredCount: 1 });
    await clock.advance(6 * 60_000);
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue')).toMatchObject({ total: 1, healthy: 1 });
  });

  it('takes a task from PROVISIONING through PENDING to RUNNING in its start-up time', async () => {
    const { sim, clock } = simulate(fixtureWorld('two-colours.yaml'));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', desiredCount: 3 });
    const statuses: string[] = [];
    for (let t = 0; t < 25; t++) {
      await clock.advance(1_000);
      const newest = sim.inspect.tasks(SHOP.cluster, 'api-blue')[2];
      if (newest) statuses.push(newest.lastStatus);
    }
    // Created on the first tick; 20s start-up; PENDING after a quarter of it (5s).
    expect(statuses.indexOf('PENDING')).toBe(5);
    expect(statuses.indexOf('RUNNING')).toBe(20);
    expect(statuses[0]).toBe('PROVISIONING');
  });
});
