// The details of ECS's own deployment features in the simulator: the traffic plans of the
// blue/green family, settings ECS refuses, deployment alarms on a rolling update (when they are
// watched, the bake), and the blue/green family's target groups, test rule and circuit breaker.
import { describe, expect, it } from 'vitest';
import type { CloudPorts, EcsService } from '../../../src/cloud/ports.js';
import { CLOUDWATCH_DEFAULTS } from '../../../src/sim/cloudwatch.js';
import { settingsProblems, shiftWeights, trafficPlan } from '../../../src/sim/ecs-deployment-config.js';
import type { SimWorld } from '../../../src/sim/world.js';
import { fixtureWorld, simulate } from './fixtures.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const NATIVE = {
  service: 'orders-native',
  production: { ruleArn: `${ELB}:listener-rule/app/orders-alb/1111111111111111/2222222222222222/00000000000000f1` },
  test: { ruleArn: `${ELB}:listener-rule/app/orders-alb/1111111111111111/2222222222222222/00000000000000f2` },
  a: `${ELB}:targetgroup/orders-native-a/00000000000000f6`,
  b: `${ELB}:targetgroup/orders-native-b/00000000000000f7`,
};
const MINUTE = 60_000;

function contractWorld(change: (world: SimWorld) => void = () => undefined): SimWorld {
  const world = fixtureWorld('contract-world.yaml');
  change(world);
  return world;
}

async function describe1(ports: CloudPorts, service: string): Promise<EcsService> {
  const [svc] = (await ports.ecs.describeServices('orders', [service])).services;
  if (!svc) throw new Error(`no ${service}`);
  return svc;
}

describe('traffic plans of the blue/green family (ECS canary and linear deployments)', () => {
  it('BLUE_GREEN moves everything at once', () => {
    expect(trafficPlan({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 })).toEqual([{ percent: 100, waitMs: 0 }]);
  });

  it('CANARY defaults to 5% for 10 minutes, then the rest', () => {
    expect(trafficPlan({ strategy: 'CANARY' })).toEqual([
      { percent: 5, waitMs: 10 * MINUTE },
      { percent: 100, waitMs: 0 },
    ]);
  });

  it('LINEAR defaults to 10% steps 6 minutes apart, with no bake after 100%', () => {
    const plan = trafficPlan({ strategy: 'LINEAR' });
    expect(plan.map((s) => s.percent)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(plan.slice(0, -1).every((s) => s.waitMs === 6 * MINUTE)).toBe(true);
    expect(plan.at(-1)?.waitMs).toBe(0);
  });

  it('LINEAR with a step that does not divide 100 ends with a smaller last step', () => {
    expect(trafficPlan({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 30 } }).map((s) => s.percent)).toEqual([30, 60, 90, 100]);
    // Tenths stay exact: 3.3 x 30 is 99.0, not 98.99999.
    expect(trafficPlan({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 3.3 } }).at(-2)?.percent).toBe(99);
  });

  it('writes a fractional share out of 1000 (weights are whole numbers up to 999)', () => {
    expect(shiftWeights('blue', 'green', 12.5)).toEqual([
      { targetGroupArn: 'blue', weight: 875 },
      { targetGroupArn: 'green', weight: 125 },
    ]);
    expect(shiftWeights('blue', 'green', 100)).toEqual([
      { targetGroupArn: 'blue', weight: 0 },
      { targetGroupArn: 'green', weight: 100 },
    ]);
  });

  it('refuses what the ECS API Reference does not allow', () => {
    expect(settingsProblems({ strategy: 'BLUE_GREEN' }, true)).toEqual(['bakeTimeInMinutes is required with the BLUE_GREEN strategy']);
    expect(settingsProblems({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05 } }, true)).toEqual([
      'canaryPercent must be a multiple of 0.1 from 0.1 to 100 (got 0.05)',
    ]);
    expect(settingsProblems({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 }, bakeTimeInMinutes: 1441 }, true)).toEqual([
      'bakeTimeInMinutes must be a whole number of minutes from 0 to 1440 (got 1441)',
      'stepPercent must be a multiple of 0.1 from 3 to 100 (got 2)',
    ]);
    expect(settingsProblems({ strategy: 'LINEAR', canaryConfiguration: {} }, true)).toEqual(['canaryConfiguration is only valid with the CANARY strategy']);
  });
});

describe('UpdateService deployment configuration on the simulator', () => {
  it('rejects invalid settings with InvalidParameterException and starts nothing', async () => {
    const { sim } = simulate(contractWorld());
    const ports = sim.provider(undefined);
    const before = await describe1(ports, 'orders-alarmed');
    const refused = ports.ecs.updateService({ cluster: 'orders', service: 'orders-alarmed', taskDefinition: 'orders:6', deploymentConfiguration: { strategy: 'CANARY' } });
    await expect(refused).rejects.toMatchObject({ code: 'Invalid', details: { awsCode: 'InvalidParameterException' } });
    expect((await describe1(ports, 'orders-alarmed')).deployments.map((d) => d.id)).toEqual(before.deployments.map((d) => d.id));
  });

  it('applies settings alone without starting a deployment, and describe shows them', async () => {
    const { sim } = simulate(contractWorld());
    const ports = sim.provider(undefined);
    const before = await describe1(ports, NATIVE.service);
    const after = await ports.ecs.updateService({
      cluster: 'orders',
      service: NATIVE.service,
      deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 20 }, maximumPercent: 150 },
    });
    expect(after.deployments.map((d) => d.id)).toEqual(before.deployments.map((d) => d.id));
    expect(after.deploymentConfiguration).toMatchObject({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 20 },
      bakeTimeInMinutes: 10,
      maximumPercent: 150,
      alarms: { alarmNames: ['orders-native-5xx'], enable: true, rollback: true },
    });
    expect(after.loadBalancers[0]?.advancedConfiguration).toMatchObject({ alternateTargetGroupArn: NATIVE.b, productionListenerRule: NATIVE.production.ruleArn });
  });
});

describe('deployment alarms on a rolling update (ECS deployment-alarm-failure)', () => {
  it('holds a healthy deployment IN_PROGRESS, the old one listed, for the alarm bake after steady state', async () => {
    const world = contractWorld((w) => {
      const alarm = w.alarms?.find((a) => a.name === 'orders-alarmed-5xx');
      if (alarm) alarm.evaluationPeriods = 3;
    });
    const { sim, clock } = simulate(world);
    const ports = sim.provider(undefined);
    await ports.ecs.updateService({ cluster: 'orders', service: 'orders-alarmed', taskDefinition: 'orders:6' });
    let steadyAt: number | undefined;
    for (let t = 0; t < 30 * 60 && !sim.events.some((e) => e.kind === 'deployment.completed'); t += 5) {
      await clock.advance(5_000);
      const counts = sim.inspect.taskCounts('orders', 'orders-alarmed');
      if (steadyAt === undefined && counts.total === 2 && counts.healthyByRevision['orders:6'] === 2) {
        steadyAt = clock.now();
        const svc = sim.inspect.service('orders', 'orders-alarmed');
        expect(svc.deployments).toHaveLength(2);
        expect(svc.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
      }
    }
    const completedAt = sim.events.find((e) => e.kind === 'deployment.completed')?.at;
    expect(steadyAt).toBeDefined();
    // Three 1-minute periods: the alarm's whole evaluation window, seen on the 5 s poll.
    expect((completedAt ?? 0) - (steadyAt ?? 0)).toBeGreaterThanOrEqual(3 * MINUTE - 5_000);
    expect((completedAt ?? 0) - (steadyAt ?? 0)).toBeLessThanOrEqual(3 * MINUTE);
  });

  it('completes at steady state when the alarms are not enabled', async () => {
    const world = contractWorld((w) => {
      const svc = w.services.find((s) => s.name === 'orders-alarmed');
      if (svc?.deploymentConfiguration?.alarms) svc.deploymentConfiguration.alarms.enable = false;
    });
    const { sim, clock } = simulate(world);
    await sim.provider(undefined).ecs.updateService({ cluster: 'orders', service: 'orders-alarmed', taskDefinition: 'orders:6' });
    let steadyAt: number | undefined;
    for (let t = 0; t < 30 * 60 && steadyAt === undefined; t++) {
      await clock.advance(1_000);
      const counts = sim.inspect.taskCounts('orders', 'orders-alarmed');
      if (counts.total === 2 && counts.healthyByRevision['orders:6'] === 2) steadyAt = clock.now();
    }
    expect(sim.events.find((e) => e.kind === 'deployment.completed')?.at).toBe(steadyAt);
  });

  it('watches alarms only once a task of the new deployment is RUNNING', async () => {
    // An alarm that is in ALARM from the first minute: any traffic breaches it.
    const world = contractWorld((w) => {
      const alarm = w.alarms?.find((a) => a.name === 'orders-alarmed-5xx');
      if (alarm) Object.assign(alarm, { metricName: 'RequestCount', threshold: 1 });
    });
    const { sim, clock } = simulate(world);
    // The first minute's datapoint is published after the CloudWatch publication delay.
    await clock.advance(2 * MINUTE + CLOUDWATCH_DEFAULTS.publicationDelayMs);
    expect(sim.inspect.alarm('orders-alarmed-5xx')?.state).toBe('ALARM');
    await sim.provider(undefined).ecs.updateService({ cluster: 'orders', service: 'orders-alarmed', taskDefinition: 'orders:6' });
    await clock.advance(5 * MINUTE);
    const started = sim.events.find((e) => e.kind === 'task.started' && e.subject === 'orders-alarmed');
    const failed = sim.events.find((e) => e.kind === 'deployment.failed' && e.subject === 'orders-alarmed');
    expect(started).toBeDefined();
    expect(failed?.detail).toContain('orders-alarmed-5xx');
    expect(failed?.at).toBeGreaterThanOrEqual(started?.at ?? Infinity);
    expect(failed?.at).toBeLessThanOrEqual((started?.at ?? 0) + 1_000);
  });
});

describe('the blue/green family on the simulator (ECS blue/green deployments)', () => {
  it('points the test rule at green before production moves, writing weights as ECS, not as a caller', async () => {
    const { sim, clock } = simulate(contractWorld());
    await sim.provider(undefined).ecs.updateService({ cluster: 'orders', service: NATIVE.service, taskDefinition: 'orders:6' });
    await clock.advance(10 * MINUTE);
    const writes = sim.events.filter((e) => e.kind === 'weights.changed');
    expect(writes.map((e) => e.subject)).toEqual([NATIVE.test.ruleArn, NATIVE.production.ruleArn]);
    expect(writes.every((e) => e.detail.endsWith('(ECS)'))).toBe(true);
    expect(sim.calls['elbv2:ModifyRule']).toBeUndefined();
    expect(sim.inspect.weights(NATIVE.test)).toEqual([
      { targetGroupArn: NATIVE.a, weight: 0 },
      { targetGroupArn: NATIVE.b, weight: 100 },
    ]);
  });

  it('starts green in the target group production does not use, alternating deployment after deployment', async () => {
    const { sim, clock } = simulate(contractWorld((w) => {
      const svc = w.services.find((s) => s.name === NATIVE.service);
      if (svc?.deploymentConfiguration) svc.deploymentConfiguration.bakeTimeInMinutes = 0;
    }));
    const ports = sim.provider(undefined);
    await ports.ecs.updateService({ cluster: 'orders', service: NATIVE.service, taskDefinition: 'orders:6' });
    await clock.advance(15 * MINUTE);
    expect((await describe1(ports, NATIVE.service)).deployments).toMatchObject([{ rolloutState: 'COMPLETED' }]);
    expect(sim.inspect.targetHealth(NATIVE.b).filter((t) => t.state === 'healthy')).toHaveLength(2);
    expect(sim.inspect.weights(NATIVE.production)).toEqual([
      { targetGroupArn: NATIVE.a, weight: 0 },
      { targetGroupArn: NATIVE.b, weight: 100 },
    ]);

    await ports.ecs.updateService({ cluster: 'orders', service: NATIVE.service, taskDefinition: 'orders:5' });
    await clock.advance(15 * MINUTE);
    expect((await describe1(ports, NATIVE.service)).deployments).toMatchObject([{ rolloutState: 'COMPLETED', taskDefinition: expect.stringMatching(/orders:5$/) }]);
    expect(sim.inspect.weights(NATIVE.production)).toEqual([
      { targetGroupArn: NATIVE.a, weight: 100 },
      { targetGroupArn: NATIVE.b, weight: 0 },
    ]);
    expect(sim.inspect.targetHealth(NATIVE.a).filter((t) => t.state === 'healthy')).toHaveLength(2);
    expect(sim.inspect.targetHealth(NATIVE.b)).toEqual([]);
  });

  it('writes a fractional canary share out of 1000', async () => {
    const { sim, clock } = simulate(contractWorld());
    await sim.provider(undefined).ecs.updateService({
      cluster: 'orders',
      service: NATIVE.service,
      taskDefinition: 'orders:6',
      deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 12.5 } },
    });
    await clock.advance(5 * MINUTE);
    expect(sim.inspect.weights(NATIVE.production)).toEqual([
      { targetGroupArn: NATIVE.a, weight: 875 },
      { targetGroupArn: NATIVE.b, weight: 125 },
    ]);
  });

  it('a crash-looping green trips the circuit breaker before any production traffic moves, and blue stays PRIMARY', async () => {
    const { sim, clock } = simulate(contractWorld((w) => {
      w.taskDefinitions.push({
        family: 'orders',
        revision: 8,
        containers: [{ name: 'app', image: 'registry.example/orders:8' }, { name: 'sidecar', image: 'registry.example/envoy:1' }],
        profile: { crashOnStart: { exitCode: 1 } },
      });
      const svc = w.services.find((s) => s.name === NATIVE.service);
      if (svc) svc.circuitBreaker = { enable: true, rollback: true };
    }));
    const ports = sim.provider(undefined);
    await ports.ecs.updateService({ cluster: 'orders', service: NATIVE.service, taskDefinition: 'orders:8' });
    await clock.advance(10 * MINUTE);
    const svc = await describe1(ports, NATIVE.service);
    expect(sim.events.find((e) => e.kind === 'deployment.failed')?.detail).toContain('circuit breaker tripped');
    expect(svc.taskDefinition).toMatch(/orders:5$/);
    expect(svc.deployments.find((d) => d.taskDefinition.endsWith('orders:8'))?.rolloutState ?? 'gone').not.toBe('IN_PROGRESS');
    expect(sim.events.some((e) => e.kind === 'weights.changed')).toBe(false);
    expect(sim.inspect.taskCounts('orders', NATIVE.service).healthyByRevision).toEqual({ 'orders:5': 2 });
  });
});
