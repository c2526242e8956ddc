// The controller asks for a pass's ports on every pass: the stack of budget and read batching on
// top of a provider is built once per region and priority, and passes that ask for their ports
// separately in the same turn still share their reads.
import { describe, expect, it } from 'vitest';
import { paceCalls } from '../../../src/cloud/budget/index.js';
import type { CloudPorts, CloudProvider, EcsService, ForwardRef } from '../../../src/cloud/ports.js';
import { batchEveryRead } from '../../../src/cloud/read-batching.js';
import { VirtualClock } from '../../../src/runtime/clock.js';

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

/** A cloud that counts its requests (by API) and how often it was asked for ports. */
function countingCloud(): { provider: CloudProvider; calls: Record<string, number>; asked: () => number } {
  const calls: Record<string, number> = {};
  const count = (api: string): void => void (calls[api] = (calls[api] ?? 0) + 1);
  let asked = 0;
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used here')) });
  const ports = {
    ecs: {
      describeServices: async (_cluster: string, names: readonly string[]) => {
        count('DescribeServices');
        return { services: names.map(service), failures: [] };
      },
    },
    lb: {
      readWeights: async () => {
        count('DescribeListeners');
        return [];
      },
      readWeightsMany: async (refs: readonly ForwardRef[]) => {
        count('DescribeListeners');
        return refs.map(() => []);
      },
    },
    scaling: {
      describeScalableTarget: async () => {
        count('DescribeScalableTargets');
        return undefined;
      },
      describeScalableTargets: async (services: readonly unknown[]) => {
        count('DescribeScalableTargets');
        return services.map(() => undefined);
      },
    },
    dns: unused,
    metrics: unused,
    http: unused,
    registry: unused,
  } as unknown as CloudPorts;
  return {
    provider: () => {
      asked++;
      return ports;
    },
    calls,
    asked: () => asked,
  };
}

describe('ports of the budget and read batching', () => {
  const paced = (provider: CloudProvider): CloudProvider => {
    const clock = new VirtualClock();
    return paceCalls(provider, {}, { clock: { now: () => clock.now(), sleep: (ms) => clock.sleep(ms) } }, batchEveryRead);
  };

  it('are built once per region and priority, and handed to every pass', () => {
    const cloud = paced(countingCloud().provider);
    const steady = cloud('us-east-1', { priority: 'steady' });
    expect(cloud('us-east-1', { priority: 'steady' })).toBe(steady);
    expect(cloud('us-east-1', { priority: 'steady' }).lb).toBe(steady.lb);
    expect(cloud('us-east-1', { priority: 'rollout' })).not.toBe(steady);
    expect(cloud('eu-west-1', { priority: 'steady' })).not.toBe(steady);
  });

  it('join the reads of 25 passes that each asked for their ports in the same turn', async () => {
    const { provider, calls } = countingCloud();
    const cloud = paced(provider);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => {
        const ports = cloud('us-east-1', { priority: 'steady' });
        return Promise.all([
          ports.ecs.describeServices('prod', [`svc-${i}`]),
          ports.lb.readWeights({ listenerArn: `arn:listener/${i}` }),
          ports.scaling.describeScalableTarget('prod', `svc-${i}`),
        ]);
      }),
    );
    // 10 services to a DescribeServices, 20 listeners to a DescribeListeners, 50 targets to a page.
    expect(calls).toEqual({ DescribeServices: 3, DescribeListeners: 2, DescribeScalableTargets: 1 });
  });

  it('are built again when the provider below hands out other ports', () => {
    const first = countingCloud().provider('us-east-1');
    const second = countingCloud().provider('us-east-1');
    let current = first;
    const cloud = paced(() => current);
    const before = cloud('us-east-1');
    current = second;
    const after = cloud('us-east-1');
    expect(after).not.toBe(before);
    expect(cloud('us-east-1')).toBe(after);
  });
});
