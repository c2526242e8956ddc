// DescribeServices batching: passes that run at the same time each ask for their own one or two
// services; joined, they fill DescribeServices calls of 10 names, so 5,000 Releases in steady
// state cost about services/10 ECS calls per resync instead of one per Release.
import type { CloudPorts, CloudProvider, DescribeServicesResult, EcsPort } from './ports.js';

/** ECS takes at most 10 services per DescribeServices. */
export const DESCRIBE_SERVICES_BATCH = 10;

/** A service asked for by name or ARN, reduced to its name: how answers find their callers. */
function serviceKey(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').pop() ?? nameOrArn) : nameOrArn;
}

interface Batch {
  cluster: string;
  /** Service key → the name as first asked for; at most DESCRIBE_SERVICES_BATCH entries. */
  names: Map<string, string>;
  /** Callers per key: a service asked for twice is handed out as two copies. */
  askedBy: Map<string, number>;
  sent: boolean;
  answer: Promise<DescribeServicesResult>;
  settle: (answer: Promise<DescribeServicesResult>) => void;
}

/** Joins describeServices calls per cluster; a batch goes out when full or on the next turn. */
class DescribeServicesBatcher {
  private readonly open = new Map<string, Batch>();

  constructor(private readonly describe: (cluster: string, names: readonly string[]) => Promise<DescribeServicesResult>) {}

  async describeServices(cluster: string, services: readonly string[]): Promise<DescribeServicesResult> {
    const mine = new Map<Batch, string[]>();
    const seen = new Set<string>();
    for (const name of services) {
      const key = serviceKey(name);
      if (seen.has(key)) continue;
      seen.add(key);
      const batch = this.batchFor(cluster, key);
      if (!batch.names.has(key)) batch.names.set(key, name);
      batch.askedBy.set(key, (batch.askedBy.get(key) ?? 0) + 1);
      mine.set(batch, [...(mine.get(batch) ?? []), key]);
      if (batch.names.size >= DESCRIBE_SERVICES_BATCH) this.send(batch);
    }
    const parts = await Promise.all([...mine].map(async ([batch, keys]) => pick(batch, keys, await batch.answer)));
    const order = [...seen];
    return {
      services: parts.flatMap((p) => p.services).sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)),
      failures: parts.flatMap((p) => p.failures),
    };
  }

  /** The open batch of the cluster that has (or has room for) this key. */
  private batchFor(cluster: string, key: string): Batch {
    const current = this.open.get(cluster);
    if (current && (current.names.has(key) || current.names.size < DESCRIBE_SERVICES_BATCH)) return current;
    let settle: Batch['settle'] = () => {};
    const answer = new Promise<DescribeServicesResult>((resolve) => (settle = resolve));
    const batch: Batch = { cluster, names: new Map(), askedBy: new Map(), sent: false, answer, settle };
    this.open.set(cluster, batch);
    // Callers of this turn join it; the next turn of the event loop sends what it holds.
    setImmediate(() => this.send(batch));
    return batch;
  }

  private send(batch: Batch): void {
    if (batch.sent) return;
    batch.sent = true;
    if (this.open.get(batch.cluster) === batch) this.open.delete(batch.cluster);
    try {
      batch.settle(this.describe(batch.cluster, [...batch.names.values()]));
    } catch (err) {
      batch.settle(Promise.reject(err));
    }
  }
}

/** One caller's share of a batch's answer; a service more than one caller asked for is copied. */
function pick(batch: Batch, keys: readonly string[], answer: DescribeServicesResult): DescribeServicesResult {
  const wanted = new Set(keys);
  const shared = (key: string): boolean => (batch.askedBy.get(key) ?? 0) > 1;
  return {
    services: answer.services.filter((s) => wanted.has(s.name)).map((s) => (shared(s.name) ? structuredClone(s) : s)),
    failures: answer.failures.filter((f) => wanted.has(serviceKey(f.arn))).map((f) => ({ ...f })),
  };
}

function batchedEcs(ecs: () => EcsPort, batcher: DescribeServicesBatcher): EcsPort {
  return {
    describeServices: (cluster, services) => batcher.describeServices(cluster, services),
    updateService: (input) => ecs().updateService(input),
    describeTaskDefinition: (ref) => ecs().describeTaskDefinition(ref),
    registerTaskDefinitionFrom: (base, change, tags) => ecs().registerTaskDefinitionFrom(base, change, tags),
    findTaskDefinition: (family, tags, options) => ecs().findTaskDefinition(family, tags, options),
    listStoppedTasks: (cluster, service, options) => ecs().listStoppedTasks(cluster, service, options),
    runTask: (input) => ecs().runTask(input),
    describeTasks: (cluster, taskArns) => ecs().describeTasks(cluster, taskArns),
    stopTask: (cluster, taskArn, reason) => ecs().stopTask(cluster, taskArn, reason),
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
  return (region): CloudPorts => {
    const ports = provider(region);
    let batcher = batchers.get(region);
    if (!batcher) {
      batcher = new DescribeServicesBatcher((cluster, names) => provider(region).ecs.describeServices(cluster, names));
      batchers.set(region, batcher);
    }
    return { ...ports, ecs: batchedEcs(() => provider(region).ecs, batcher) };
  };
}
