import { describe, expect, it } from 'vitest';
import { AWS_DEFAULTS } from '../../src/cloud/aws/defaults.js';
import { CLOUDWATCH_DEFAULTS } from '../../src/sim/cloudwatch.js';
import { fixtureWorld, simulate } from '../unit/sim/fixtures.js';
import { describePortsContract, type ContractFixture } from './ports.contract.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';

const fixture: ContractFixture = {
  cluster: 'orders',
  services: ['orders-blue', 'orders-green', 'orders-worker'],
  missingService: 'orders-missing',
  update: { service: 'orders-green', toTaskDefinition: 'orders:6' },
  taskDefinition: { ref: 'orders:5', family: 'orders', revision: 5, containers: ['app', 'sidecar'] },
  forward: {
    ref: { listenerArn: `${ELB}:listener/app/orders-alb/1111111111111111/2222222222222222` },
    targetGroups: [`${ELB}:targetgroup/orders-blue/00000000000000b1`, `${ELB}:targetgroup/orders-green/00000000000000a2`],
  },
  record: {
    key: { hostedZoneId: 'Z0CONTRACT0001', recordName: 'orders.example.test', recordType: 'A' },
    setIdentifiers: ['orders-blue', 'orders-green'],
  },
  metric: {
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCount',
    dimensions: { TargetGroup: 'targetgroup/orders-blue/00000000000000b1', LoadBalancer: 'app/orders-alb/1111111111111111' },
  },
  metricWarmupMs: 5 * 60_000,
  alarm: 'orders-5xx',
  scaled: { service: 'orders-worker', minCapacity: 1, maxCapacity: 4 },
  registry: {
    repository: 'orders',
    tags: { '1.0': 'sha256:' + 'a'.repeat(64), '1.1': 'sha256:' + 'b'.repeat(64), latest: 'sha256:' + 'b'.repeat(64) },
    missingTag: '9.9',
    missingRepository: 'orders-nowhere',
    withEnvironment: {
      ref: 'orders-env:1',
      container: 'app',
      environment: [{ name: 'LOG_LEVEL', value: 'info' }],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db' }],
    },
  },
  unscaledService: 'orders-blue',
  dnsSettleMs: 60_000,
  autoScaling: {
    busy: { service: 'orders-busy', maxCapacity: 3 },
    quiet: { service: 'orders-quiet', desiredCount: 4 },
    quietTwin: { service: 'orders-quiet-twin', desiredCount: 4 },
    stepped: { service: 'orders-batch', firstDesiredCount: 3 },
  },
  ecsDeployments: {
    stable: 'orders:5',
    good: 'orders:6',
    bad: 'orders:7',
    alarmedWithRollback: 'orders-alarmed',
    alarmedWithoutRollback: 'orders-alarmed-kept',
    native: {
      service: 'orders-native',
      productionRule: { ruleArn: `${ELB}:listener-rule/app/orders-alb/1111111111111111/2222222222222222/00000000000000f1` },
      primaryTargetGroup: `${ELB}:targetgroup/orders-native-a/00000000000000f6`,
      alternateTargetGroup: `${ELB}:targetgroup/orders-native-b/00000000000000f7`,
    },
    // Health checks make a new target healthy in 150s; a 1-minute alarm needs a full minute more.
    settleMs: 8 * 60_000,
  },
  metricPublicationDelayMs: CLOUDWATCH_DEFAULTS.publicationDelayMs,
  // orders-blue's target group keeps the AWS defaults: a 30s interval, a healthy threshold of 5.
  newTarget: { service: 'orders-blue', targetGroup: `${ELB}:targetgroup/orders-blue/00000000000000b1`, intervalMs: 30_000, healthyThreshold: 5, registeredWithinMs: 60_000 },
};

function subject() {
  const { sim, clock } = simulate(fixtureWorld('contract-world.yaml'));
  return {
    sim,
    subject: {
      ports: sim.provider(undefined),
      fixture,
      now: () => clock.now(),
      advance: (ms: number) => clock.advance(ms),
      close: () => sim.close(),
      faults: {
        maxAttempts: AWS_DEFAULTS.maxAttempts,
        throttleEcs: (operation: string, attempts: number) =>
          sim.outOfBand.addFault({
            kind: 'throttle',
            service: 'ecs',
            operations: [operation],
            at: `${Math.floor((clock.now() - sim.startedAt) / 1000)}s`,
            for: '1h',
            ...(Number.isFinite(attempts) ? { count: attempts } : {}),
          }),
        ecsAttempts: (operation: string) => sim.calls[`ecs:${operation}`] ?? 0,
        settle: <T>(call: Promise<T>) => sim.drive(call),
      },
    },
  };
}

describePortsContract('simulator', async () => subject().subject, { faults: true });

describe('the simulator counts AWS calls as the SDK adapters make them', () => {
  it('describes services ten per DescribeServices call', async () => {
    const { sim, subject: s } = subject();
    const names = [...fixture.services, ...Array.from({ length: 20 }, (_, i) => `missing-${i}`)];
    await s.ports.ecs.describeServices('orders', names);
    expect(sim.calls['ecs:DescribeServices']).toBe(3);
    await s.ports.ecs.describeServices('orders', []);
    expect(sim.calls['ecs:DescribeServices']).toBe(3);
  });

  it('reads before writing weights and skips the write when nothing changes', async () => {
    const { sim, subject: s } = subject();
    const [blue, green] = fixture.forward.targetGroups;
    const weights = [{ targetGroupArn: blue, weight: 100 }, { targetGroupArn: green, weight: 0 }];
    expect(await s.ports.lb.setWeights(fixture.forward.ref, weights)).toBe('unchanged');
    expect(sim.calls['elbv2:DescribeListeners']).toBe(1);
    expect(sim.calls['elbv2:ModifyListener']).toBeUndefined();
  });

  it('counts rejected calls by code', async () => {
    const { sim, subject: s } = subject();
    await expect(s.ports.ecs.describeTaskDefinition('nope:1')).rejects.toMatchObject({ code: 'NotFound' });
    expect(sim.rejectedCalls['ecs:DescribeTaskDefinition']).toEqual({ NotFound: 1 });
  });

  it('publishes a minute\'s datapoint exactly metrics.publicationDelay after the minute ends', async () => {
    const world = fixtureWorld('contract-world.yaml');
    world.metrics = { publicationDelay: '90s' };
    const { sim, clock } = simulate(world);
    const query = [{ id: 'requests', metricStat: { ...fixture.metric, stat: 'Sum', period: 60 } }];
    const newest = async (): Promise<number | undefined> => {
      const [r] = await sim.provider(undefined).metrics.getMetricData(query, { start: clock.now() - 10 * 60_000, end: clock.now() });
      return r?.timestamps[0];
    };
    // The first minute ends at 60s: visible from 150s on, not a second before.
    await clock.advance(149_000);
    expect(await newest()).toBeUndefined();
    await clock.advance(1_000);
    expect(await newest()).toBe(sim.startedAt);
  });

  it('refuses a region the world is not in', async () => {
    const { sim } = subject();
    await expect(sim.provider('eu-west-1').ecs.describeServices('orders', ['orders-blue'])).rejects.toMatchObject({ code: 'Invalid' });
    expect(sim.provider('us-east-1')).toBe(sim.provider(undefined));
  });
});
