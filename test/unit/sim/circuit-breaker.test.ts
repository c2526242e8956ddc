import { describe, expect, it } from 'vitest';
import { circuitBreakerThreshold } from '../../../src/sim/ecs-scheduler.js';
import type { SimWorld } from '../../../src/sim/world.js';
import { fixtureWorld, SHOP, simulate } from './fixtures.js';

function crashWorld(desiredCount: number, rollback: boolean, enable = true): SimWorld {
  const world = fixtureWorld('two-colours.yaml');
  const svc = world.services.find((s) => s.name === 'api-blue');
  if (!svc) throw new Error('fixture changed');
  svc.desiredCount = desiredCount;
  svc.circuitBreaker = { enable, rollback };
  return world;
}

describe('the ECS deployment circuit breaker', () => {
  it.each([
    [1, 3],
    [6, 3],
    [7, 4],
    [10, 5],
    [399, 200],
    [1000, 200],
  ])('with desiredCount %i fails a deployment at %i failed tasks (0.5 x desired, 3 to 200)', (desired, threshold) => {
    expect(circuitBreakerThreshold(desired)).toBe(threshold);
  });

  it('trips at exactly the third crash of a one-task service and rolls back to the last COMPLETED revision', async () => {
    const { sim, clock } = simulate(crashWorld(1, true));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:4' });
    const failedBeforeTrip: number[] = [];
    let trippedAt: number | undefined;
    for (let t = 0; t < 10 * 60 && trippedAt === undefined; t++) {
      await clock.advance(1_000);
      const bad = sim.inspect.service(SHOP.cluster, 'api-blue').deployments.find((d) => d.taskDefinition.endsWith('shop-api:4'));
      if (bad?.rolloutState === 'FAILED') trippedAt = clock.now();
      else failedBeforeTrip.push(bad?.failedTasks ?? 0);
    }
    expect(trippedAt).toBeDefined();
    expect(Math.max(...failedBeforeTrip)).toBe(2);
    const service = sim.inspect.service(SHOP.cluster, 'api-blue');
    const failed = service.deployments.find((d) => d.rolloutState === 'FAILED');
    expect(failed).toMatchObject({ status: 'ACTIVE', failedTasks: 3, rolloutStateReason: expect.stringContaining('circuit breaker') });
    expect(service.deployments[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    expect(service.taskDefinition).toMatch(/shop-api:1$/);
    expect(sim.events.find((e) => e.kind === 'deployment.failed')?.detail).toContain('tripped at 3 failed tasks (threshold 3)');

    const stopped = await sim.provider(undefined).ecs.listStoppedTasks(SHOP.cluster, 'api-blue');
    expect(stopped).toHaveLength(3);
    for (const task of stopped) {
      expect(task).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
      expect(task.containers[0]).toMatchObject({ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
    }
    // Stopped tasks come newest first.
    expect(stopped.map((t) => t.stoppedAt)).toEqual([...stopped.map((t) => t.stoppedAt)].sort((a, b) => (b ?? 0) - (a ?? 0)));

    // The rollback's task needs 5 health checks x 30s, then the old task drains for 300s.
    await clock.advance(10 * 60_000);
    const rolledBack = sim.inspect.service(SHOP.cluster, 'api-blue');
    expect(rolledBack.deployments).toHaveLength(1);
    expect(rolledBack.deployments[0]).toMatchObject({ rolloutState: 'COMPLETED' });
    expect(rolledBack.taskDefinition).toMatch(/shop-api:1$/);
  });

  it('counts failures at the documented threshold for a larger service (8 tasks: 4)', async () => {
    const { sim, clock } = simulate(crashWorld(8, false));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:4' });
    await clock.advance(10 * 60_000);
    expect(sim.events.filter((e) => e.kind === 'deployment.failed').map((e) => e.detail)).toEqual([
      expect.stringContaining('tripped at 4 failed tasks (threshold 4)'),
    ]);
    // Without rollback the failed deployment stays PRIMARY.
    expect(sim.inspect.service(SHOP.cluster, 'api-blue').deployments[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'FAILED' });
  });

  it('never fails a crash-looping deployment when the breaker is off', async () => {
    const { sim, clock } = simulate(crashWorld(2, false, false));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:4' });
    await clock.advance(10 * 60_000);
    const primary = sim.inspect.service(SHOP.cluster, 'api-blue').deployments[0];
    expect(primary?.rolloutState).toBe('IN_PROGRESS');
    expect(primary?.failedTasks).toBeGreaterThan(10);
    // The old tasks keep serving: minimumHealthyPercent 100 never lets them go.
    expect(sim.inspect.taskCounts(SHOP.cluster, 'api-blue').healthyByRevision).toEqual({ 'shop-api:1': 2 });
  });

  it('stops tasks whose targets fail health checks and counts them as failed', async () => {
    const { sim, clock } = simulate(crashWorld(1, true));
    await sim.provider(undefined).ecs.updateService({ cluster: SHOP.cluster, service: 'api-blue', taskDefinition: 'shop-api:5' });
    await clock.advance(30 * 60_000);
    const stopped = await sim.provider(undefined).ecs.listStoppedTasks(SHOP.cluster, 'api-blue');
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    expect(stopped.some((t) => t.stoppedReason === `Task failed ELB health checks in (target-group ${SHOP.blue})`)).toBe(true);
    expect(sim.events.some((e) => e.kind === 'deployment.failed')).toBe(true);
    expect(sim.inspect.service(SHOP.cluster, 'api-blue').taskDefinition).toMatch(/shop-api:1$/);
  });
});
