// The real controller on the simulator with the call budget on, its ECS service reads squeezed to
// one every 20 seconds: the canary still walks to 100%, its requests wait on virtual time (the
// stage moves the clock for them), and the waits show in the metrics as rollout waits.
import { afterEach, describe, expect, it } from 'vitest';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { aepCanary } from '../scenarios/support/releases.js';
import { demoWorld } from '../scenarios/support/scenario.js';

const AEP = 'aep-backend-prod';

let stage: Stage | undefined;
afterEach(async () => {
  await stage?.close();
  stage = undefined;
});

async function histogram(metrics: ControllerMetrics, labels: Record<string, string>): Promise<{ count: number; sum: number }> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'keelson_aws_budget_wait_seconds');
  const values = (metric?.values ?? []) as { metricName?: string; labels: Record<string, string | number>; value: number }[];
  const pick = (suffix: string): number =>
    values.filter((v) => v.metricName === `keelson_aws_budget_wait_seconds_${suffix}` && Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((a, v) => a + v.value, 0);
  return { count: pick('count'), sum: pick('sum') };
}

describe('a canary on a stage with the call budget on', () => {
  it('reaches 100% while ECS service reads wait for their tokens, and the waits are measured as rollout waits', async () => {
    const metrics = new ControllerMetrics();
    stage = await createStage({
      world: await demoWorld(),
      metrics,
      callBudget: { rates: { 'ecs.serviceRead': { burst: 1, perSecond: 0.05 } } },
    });
    const t0 = stage.clock.now();
    stage.source.apply(aepCanary(`${AEP}:11`));
    await stage.advance(60_000, { stepMs: 5_000 });
    expect((await stage.status(AEP))?.phase).toBe('Healthy');

    stage.source.apply(aepCanary(`${AEP}:12`));
    const limit = stage.clock.now() + 60 * 60_000;
    while (stage.clock.now() < limit) {
      await stage.advance(15_000, { stepMs: 5_000 });
      const status = await stage.status(AEP);
      if (status?.phase === 'Healthy' && status.stableRevision?.endsWith(':12')) break;
    }
    const status = await stage.status(AEP);
    expect(status?.phase).toBe('Healthy');
    expect(status?.stableRevision).toMatch(/:12$/);
    expect(status?.weights).toEqual({ blue: 0, green: 100 });

    const rolloutReads = await histogram(metrics, { service: 'ecs', api: 'DescribeServices', priority: 'rollout' });
    expect(rolloutReads.count).toBeGreaterThan(0);
    expect(rolloutReads.sum).toBeGreaterThan(0);
    // DescribeServices never went faster than the budget: the burst plus one every 20 seconds.
    const elapsedS = (stage.clock.now() - t0) / 1000;
    expect(stage.sim.calls['ecs:DescribeServices'] ?? 0).toBeLessThanOrEqual(1 + elapsedS * 0.05 + 1);
    expect(stage.sim.calls['ecs:DescribeServices'] ?? 0).toBeGreaterThan(0);
  });
});
