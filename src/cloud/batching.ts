// DescribeServices batching: passes that run at the same time each ask for their own one or two
// services; joined, they fill DescribeServices calls of 10 names, so 5,000 Releases in steady
// state cost about services/10 ECS calls per resync instead of one per Release.
import type { CloudProvider, DescribeServicesResult, EcsPort, EcsService } from './ports.js';
import { wrapOncePerRegion } from './ports-once.js';
import { TurnBatcher } from './turn-batcher.js';

/** ECS takes at most 10 services per DescribeServices. */
export const DESCRIBE_SERVICES_BATCH = 10;

/** A service asked for by name or ARN, reduced to its name: how answers find their callers. */
function serviceKey(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').pop() ?? nameOrArn) : nameOrArn;
}

type ServiceAsked = { cluster: string; name: string };
/** One service's share of a DescribeServices answer: the service, or its failure. */
type ServiceAnswer = { service?: EcsService; failures: DescribeServicesResult['failures'] };

/** Joins describeServices calls per cluster; a batch goes out when full or on the next turn. */
class DescribeServicesBatcher {
  private readonly batcher: TurnBatcher<ServiceAsked, ServiceAnswer>;

  constructor(describe: (cluster: string, names: readonly string[]) => Promise<DescribeServicesResult>) {
    this.batcher = new TurnBatcher<ServiceAsked, ServiceAnswer>({
      max: DESCRIBE_SERVICES_BATCH,
      groupOf: (asked) => asked.cluster,
      keyOf: (asked) => serviceKey(asked.name),
      async send(asked) {
        const answer = await describe((asked[0] as ServiceAsked).cluster, asked.map((a) => a.name));
        return asked.map((a) => {
          const key = serviceKey(a.name);
          const service = answer.services.find((s) => s.name === key);
          return { ...(service ? { service } : {}), failures: answer.failures.filter((f) => serviceKey(f.arn) === key) };
        });
      },
    });
  }

  async describeServices(cluster: string, services: readonly string[]): Promise<DescribeServicesResult> {
    const keys = [...new Set(services.map(serviceKey))];
    const first = new Map<string, string>();
    for (const name of services) if (!first.has(serviceKey(name))) first.set(serviceKey(name), name);
    const answers = await Promise.all(keys.map((key) => this.batcher.ask({ cluster, name: first.get(key) as string })));
    return {
      services: answers.flatMap((a) => (a.service ? [a.service] : [])),
      failures: answers.flatMap((a) => a.failures),
    };
  }
}

function batchedEcs(ecs: EcsPort, batcher: DescribeServicesBatcher): EcsPort {
  return {
    describeServices: (cluster, services) => batcher.describeServices(cluster, services),
    updateService: (input) => ecs.updateService(input),
    describeTaskDefinition: (ref) => ecs.describeTaskDefinition(ref),
    registerTaskDefinitionFrom: (base, change, tags) => ecs.registerTaskDefinitionFrom(base, change, tags),
    findTaskDefinition: (family, tags, options) => ecs.findTaskDefinition(family, tags, options),
    listStoppedTasks: (cluster, service, options) => ecs.listStoppedTasks(cluster, service, options),
    runTask: (input) => ecs.runTask(input),
    describeTasks: (cluster, taskArns) => ecs.describeTasks(cluster, taskArns),
    stopTask: (cluster, taskArn, reason) => ecs.stopTask(cluster, taskArn, reason),
  };
}

/**
 * Wraps a provider so that describeServices calls made at the same time in the same cluster
 * and region share DescribeServices calls. Each caller gets only its own services and
 * failures; a failed call rejects only the callers whose names it carried. Everything else
 * passes through.
 */
export function batchDescribeServices(provider: CloudProvider): CloudProvider {
  const batchers = new Map<string | undefined, DescribeServicesBatcher>();
  return wrapOncePerRegion(provider, (ports, region) => {
    let batcher = batchers.get(region);
    if (!batcher) {
      batcher = new DescribeServicesBatcher((cluster, names) => provider(region).ecs.describeServices(cluster, names));
      batchers.set(region, batcher);
    }
    return { ...ports, ecs: batchedEcs(ports.ecs, batcher) };
  });
}
