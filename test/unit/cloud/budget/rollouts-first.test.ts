// 1,000 steady-state Releases empty the ECS task definition bucket; a Release mid-rollout asking
// for ports with priority `rollout` still gets its calls within a bound of virtual time, and the
// steady ones are stretched over the refill rate, never above it.
import { describe, expect, it } from 'vitest';
import { batchDescribeServices } from '../../../../src/cloud/batching.js';
import { paceCalls } from '../../../../src/cloud/budget/index.js';
import type { CloudPorts, CloudProvider, EcsService } from '../../../../src/cloud/ports.js';
import { VirtualClock } from '../../../../src/runtime/clock.js';

interface Call {
  api: string;
  at: number;
}

function service(name: string): EcsService {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:service/prod/${name}`,
    name,
    cluster: 'prod',
    status: 'ACTIVE',
    taskDefinition: `${name}:1`,
    desiredCount: 1,
    runningCount: 1,
    pendingCount: 0,
    deployments: [],
    loadBalancers: [],
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  };
}

/** A cloud that answers at once and records every AWS request with its virtual time. */
function recordingCloud(clock: VirtualClock): { provider: CloudProvider; calls: Call[] } {
  const calls: Call[] = [];
  const record = (api: string): void => void calls.push({ api, at: clock.now() });
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used here')) });
  const ports = {
    ecs: {
      describeServices: async (_cluster: string, names: readonly string[]) => {
        record('DescribeServices');
        return { services: names.map(service), failures: [] };
      },
      describeTaskDefinition: async (ref: string) => {
        record('DescribeTaskDefinition');
        return { arn: ref, family: ref.split(':')[0], revision: 1, status: 'ACTIVE', containers: [] };
      },
      updateService: async (input: { service: string }) => {
        record('UpdateService');
        return service(input.service);
      },
    },
    lb: {
      describeTargetHealth: async () => {
        record('DescribeTargetHealth');
        return [];
      },
    },
    dns: unused,
    metrics: unused,
    scaling: unused,
    http: unused,
    registry: unused,
  } as unknown as CloudPorts;
  return { provider: () => ports, calls };
}

describe('with the steady budget exhausted by 1,000 Releases', () => {
  it('a Release mid-rollout gets its calls within 250 ms of virtual time; the steady ones go at 20/s', async () => {
    const clock = new VirtualClock();
    const { provider, calls } = recordingCloud(clock);
    const cloud = paceCalls(provider, {}, { clock: { now: () => clock.now(), sleep: (ms) => clock.sleep(ms) } }, batchDescribeServices);

    // Each steady pass: its service (batched: 100 requests of 10), then its task definition.
    let steadyDone = 0;
    const steady = Array.from({ length: 1_000 }, async (_, i) => {
      const ports = cloud('us-east-1', { priority: 'steady' });
      await ports.ecs.describeServices('prod', [`svc-${i}`]);
      await ports.ecs.describeTaskDefinition(`svc-${i}:1`);
      steadyDone++;
    });
    await clock.advance(0);
    expect(steadyDone).toBe(50); // the task definition bucket's burst
    await clock.advance(1_000);

    const started = clock.now();
    let rolloutDoneAt: number | undefined;
    const rollout = (async () => {
      const ports = cloud('us-east-1', { priority: 'rollout' });
      await ports.ecs.describeServices('prod', ['checkout-blue', 'checkout-green']);
      await ports.ecs.describeTaskDefinition('checkout:8');
      await ports.lb.describeTargetHealth('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/1');
      await ports.ecs.describeTaskDefinition('checkout:7');
      await ports.ecs.updateService({ cluster: 'prod', service: 'checkout-green', desiredCount: 4 });
      rolloutDoneAt = clock.now();
    })();
    for (let i = 0; i < 100 && rolloutDoneAt === undefined; i++) await clock.advance(10);
    await rollout;
    expect(rolloutDoneAt! - started).toBeLessThanOrEqual(250);
    // Most steady passes still wait: they were not let through ahead of the rollout.
    expect(steadyDone).toBeLessThan(100);

    // The rest drain at the refill rate, within the default maxWait: none fails.
    await clock.advance(60_000);
    await Promise.all(steady);
    expect(steadyDone).toBe(1_000);
    const describes = calls.filter((c) => c.api === 'DescribeTaskDefinition').map((c) => c.at);
    expect(describes).toHaveLength(1_002);
    // Never above the documented rate: in any one second, at most the burst plus a second's refill.
    for (const at of describes) expect(describes.filter((t) => t >= at && t < at + 1_000).length).toBeLessThanOrEqual(50 + 20);
    expect(Math.max(...describes) - Math.min(...describes)).toBeGreaterThanOrEqual(((1_002 - 50) / 20) * 1_000 - 100);
    // The rollout's and the steady passes' services were never joined in one DescribeServices.
    expect(calls.filter((c) => c.api === 'DescribeServices')).toHaveLength(101);
  });
});
