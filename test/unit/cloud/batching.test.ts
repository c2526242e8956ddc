import { describe, expect, it } from 'vitest';
import { batchDescribeServices } from '../../../src/cloud/batching.js';
import { CloudError } from '../../../src/cloud/errors.js';
import type { CloudPorts, CloudProvider, DescribeServicesResult, EcsService, UpdateServiceInput } from '../../../src/cloud/ports.js';

interface Recorded {
  describeCalls: { cluster: string; names: string[] }[];
  updates: UpdateServiceInput[];
}

const ARN_PREFIX = 'arn:aws:ecs:us-east-1:123456789012:service';

function service(cluster: string, name: string): EcsService {
  return {
    arn: `${ARN_PREFIX}/${cluster}/${name}`,
    name,
    cluster,
    status: 'ACTIVE',
    taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/${name}:1`,
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    deployments: [],
    loadBalancers: [],
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  };
}

/**
 * A cloud whose DescribeServices answers every name starting with `missing` as a failure,
 * and fails the whole call for any cluster in `failingClusters` or any name starting with `broken`.
 */
function recordingCloud(failingClusters: string[] = []): { provider: CloudProvider; recorded: Recorded } {
  const recorded: Recorded = { describeCalls: [], updates: [] };
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used in this test')) });
  const ports = {
    ecs: {
      async describeServices(cluster: string, names: readonly string[]): Promise<DescribeServicesResult> {
        recorded.describeCalls.push({ cluster, names: [...names] });
        if (names.length > 10) throw new CloudError('Invalid', 'at most 10 services per call');
        if (failingClusters.includes(cluster)) throw new CloudError('Throttled', 'Rate exceeded');
        if (names.some((n) => n.startsWith('broken'))) throw new CloudError('Invalid', 'broken service name');
        return {
          services: names.filter((n) => !n.startsWith('missing')).map((n) => service(cluster, n)),
          failures: names.filter((n) => n.startsWith('missing')).map((n) => ({ arn: `${ARN_PREFIX}/${cluster}/${n}`, reason: 'MISSING' })),
        };
      },
      async updateService(input: UpdateServiceInput): Promise<EcsService> {
        recorded.updates.push(input);
        return service(input.cluster, input.service);
      },
    },
    lb: unused,
    dns: unused,
    metrics: unused,
    scaling: unused,
    http: unused,
  } as unknown as CloudPorts;
  return { provider: () => ports, recorded };
}

const names = (n: number, prefix = 'svc'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('batchDescribeServices', () => {
  it('serves 25 concurrent single-service calls in one cluster with 3 DescribeServices calls', async () => {
    const { provider, recorded } = recordingCloud();
    const cloud = batchDescribeServices(provider);
    const results = await Promise.all(names(25).map((name) => cloud(undefined).ecs.describeServices('shop', [name])));

    expect(recorded.describeCalls.map((c) => c.names.length)).toEqual([10, 10, 5]);
    expect(new Set(recorded.describeCalls.flatMap((c) => c.names))).toEqual(new Set(names(25)));
    // Each caller gets its own service and nothing else.
    results.forEach((result, i) => {
      expect(result.services.map((s) => s.name)).toEqual([`svc-${i}`]);
      expect(result.failures).toEqual([]);
    });
  });

  it('never mixes two clusters in one call', async () => {
    const { provider, recorded } = recordingCloud();
    const cloud = batchDescribeServices(provider);
    const calls = names(6).map((name, i) => cloud(undefined).ecs.describeServices(i % 2 === 0 ? 'shop' : 'billing', [name]));
    const results = await Promise.all(calls);

    expect(recorded.describeCalls).toHaveLength(2);
    const byCluster = Object.fromEntries(recorded.describeCalls.map((c) => [c.cluster, c.names]));
    expect(byCluster).toEqual({ shop: ['svc-0', 'svc-2', 'svc-4'], billing: ['svc-1', 'svc-3', 'svc-5'] });
    results.forEach((result, i) => expect(result.services[0]?.cluster).toBe(i % 2 === 0 ? 'shop' : 'billing'));
  });

  it('rejects only the callers whose batch failed', async () => {
    const { provider, recorded } = recordingCloud(['billing']);
    const cloud = batchDescribeServices(provider);
    const shop = cloud(undefined).ecs.describeServices('shop', ['api-blue', 'api-green']);
    const billing = [
      cloud(undefined).ecs.describeServices('billing', ['invoices']),
      cloud(undefined).ecs.describeServices('billing', ['ledger']),
    ];

    await expect(shop).resolves.toMatchObject({ services: [{ name: 'api-blue' }, { name: 'api-green' }] });
    for (const call of billing) await expect(call).rejects.toMatchObject({ code: 'Throttled' });
    expect(recorded.describeCalls).toHaveLength(2);
  });

  it('rejects only the callers of the failed batch when one cluster needs two batches', async () => {
    const { provider, recorded } = recordingCloud();
    const ecs = batchDescribeServices(provider)(undefined).ecs;
    const asked = [...names(10), 'broken-10', 'svc-11'];
    const outcomes = await Promise.allSettled(asked.map((name) => ecs.describeServices('shop', [name])));

    expect(recorded.describeCalls.map((c) => c.names)).toEqual([names(10), ['broken-10', 'svc-11']]);
    expect(outcomes.map((o) => o.status)).toEqual([...Array(10).fill('fulfilled'), 'rejected', 'rejected']);
  });

  it('hands each caller its own failures, and answers a caller spread over two batches in its order', async () => {
    const { provider, recorded } = recordingCloud();
    const cloud = batchDescribeServices(provider);
    const first = cloud(undefined).ecs.describeServices('shop', names(8));
    const second = cloud(undefined).ecs.describeServices('shop', ['missing-one', 'late-a', 'late-b', 'late-c']);
    const [a, b] = await Promise.all([first, second]);

    expect(recorded.describeCalls.map((c) => c.names.length)).toEqual([10, 2]);
    expect(a.services.map((s) => s.name)).toEqual(names(8));
    expect(a.failures).toEqual([]);
    expect(b.services.map((s) => s.name)).toEqual(['late-a', 'late-b', 'late-c']);
    expect(b.failures).toEqual([{ arn: `${ARN_PREFIX}/shop/missing-one`, reason: 'MISSING' }]);
  });

  it('asks for a service once when two callers want it, and gives each a copy of its own', async () => {
    const { provider, recorded } = recordingCloud();
    const cloud = batchDescribeServices(provider);
    const [a, b] = await Promise.all([
      cloud(undefined).ecs.describeServices('shop', ['api-blue']),
      cloud(undefined).ecs.describeServices('shop', [`${ARN_PREFIX}/shop/api-blue`]),
    ]);

    expect(recorded.describeCalls).toEqual([{ cluster: 'shop', names: ['api-blue'] }]);
    expect(a.services[0]).toEqual(b.services[0]);
    expect(a.services[0]).not.toBe(b.services[0]);
  });

  it('makes separate calls for calls in separate turns, and none for an empty list', async () => {
    const { provider, recorded } = recordingCloud();
    const ecs = batchDescribeServices(provider)(undefined).ecs;
    await ecs.describeServices('shop', ['api-blue']);
    await ecs.describeServices('shop', ['api-green']);
    expect(await ecs.describeServices('shop', [])).toEqual({ services: [], failures: [] });
    expect(recorded.describeCalls).toEqual([
      { cluster: 'shop', names: ['api-blue'] },
      { cluster: 'shop', names: ['api-green'] },
    ]);
  });

  it('passes every other call through unchanged', async () => {
    const { provider, recorded } = recordingCloud();
    const ports = batchDescribeServices(provider)(undefined);
    const updated = await ports.ecs.updateService({ cluster: 'shop', service: 'api-blue', desiredCount: 3 });
    expect(updated.name).toBe('api-blue');
    expect(recorded.updates).toEqual([{ cluster: 'shop', service: 'api-blue', desiredCount: 3 }]);
    expect(ports.lb).toBe(provider(undefined).lb);
    expect(recorded.describeCalls).toEqual([]);
  });
});
