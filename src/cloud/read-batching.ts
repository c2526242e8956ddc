// Listener/rule weights and scalable targets, read for many Releases at once: passes running at
// the same time share DescribeListeners, DescribeRules and DescribeScalableTargets calls, as
// batching.ts does for DescribeServices. At 5,000 canary Releases in steady state that is about
// Releases/concurrency calls of each per resync instead of one (or two) per Release.
import { resourceIdOf } from './aws/batch.js';
import { DESCRIBE_LISTENERS_BATCH, SCALABLE_TARGETS_PAGE } from './aws/limits.js';
import { batchDescribeServices } from './batching.js';
import { isCloudError } from './errors.js';
import type { CloudPorts, CloudProvider, ForwardRef, LoadBalancingPort, ScalableTarget, ScalingPort, TargetGroupWeight } from './ports.js';
import { wrapOncePerRegion } from './ports-once.js';
import { TurnBatcher } from './turn-batcher.js';

type ServiceRef = { cluster: string; service: string };

/** Each item asked alone; a failure becomes that item's answer. */
async function oneByOne<Item, Answer>(items: readonly Item[], ask: (item: Item) => Promise<Answer>): Promise<(Answer | Error)[]> {
  return Promise.all(items.map((item) => ask(item).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))));
}

export function weightsBatcher(lb: () => LoadBalancingPort): TurnBatcher<ForwardRef, TargetGroupWeight[]> {
  return new TurnBatcher<ForwardRef, TargetGroupWeight[]>({
    max: DESCRIBE_LISTENERS_BATCH,
    keyOf: (ref) => (ref.listenerArn !== undefined ? `listener ${ref.listenerArn}` : `rule ${ref.ruleArn}`),
    async send(refs) {
      const port = lb();
      if (!port.readWeightsMany || refs.length === 1) return oneByOne(refs, (ref) => port.readWeights(ref));
      try {
        return await port.readWeightsMany(refs);
      } catch (err) {
        // One ARN that does not exist fails the whole call (ListenerNotFound): ask each alone, so
        // only the caller of the missing one hears NotFound.
        if (!isCloudError(err, 'NotFound')) throw err;
        return oneByOne(refs, (ref) => port.readWeights(ref));
      }
    },
  });
}

export function scalableTargetsBatcher(scaling: () => ScalingPort): TurnBatcher<ServiceRef, ScalableTarget | undefined> {
  return new TurnBatcher<ServiceRef, ScalableTarget | undefined>({
    max: SCALABLE_TARGETS_PAGE,
    keyOf: (s) => resourceIdOf(s.cluster, s.service),
    async send(services) {
      const port = scaling();
      if (!port.describeScalableTargets) return oneByOne(services, (s) => port.describeScalableTarget(s.cluster, s.service));
      return port.describeScalableTargets(services);
    },
  });
}

/**
 * A port with some methods replaced, as a plain object of the port's methods bound to it: the AWS
 * adapters are class instances, whose methods an object spread would drop, and wrappers put on
 * top of these ports (tests, the budget) spread them in turn.
 */
function overriding<Port extends object>(port: Port, methods: Partial<Port>): Port {
  const plain: Record<string, unknown> = {};
  for (let layer: object | null = port; layer && layer !== Object.prototype; layer = Object.getPrototypeOf(layer) as object | null) {
    for (const key of Object.getOwnPropertyNames(layer)) {
      const value = (port as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in plain) && typeof value === 'function') plain[key] = (value as (...a: unknown[]) => unknown).bind(port);
    }
  }
  return Object.assign(plain, methods) as Port;
}

/**
 * Wraps a provider so that readWeights and describeScalableTarget calls made at the same time in
 * the same region share calls. Writes, and every other call, pass through: setWeights reads the
 * current weights itself, unbatched, right before it writes.
 */
export function batchReads(provider: CloudProvider): CloudProvider {
  const batchers = new Map<string | undefined, { weights: ReturnType<typeof weightsBatcher>; targets: ReturnType<typeof scalableTargetsBatcher> }>();
  return wrapOncePerRegion(provider, (ports, region): CloudPorts => {
    let b = batchers.get(region);
    if (!b) {
      b = { weights: weightsBatcher(() => provider(region).lb), targets: scalableTargetsBatcher(() => provider(region).scaling) };
      batchers.set(region, b);
    }
    const { weights, targets } = b;
    return {
      ...ports,
      lb: overriding(ports.lb, { readWeights: (ref) => weights.ask(ref) }),
      scaling: overriding(ports.scaling, {
        describeScalableTarget: (cluster, service) => targets.ask({ cluster, service }),
        describeScalableTargets: (services) => Promise.all(services.map((s) => targets.ask(s))),
      }),
    };
  });
}

/** Every steady-state read joined across passes: DescribeServices, weights, scalable targets. */
export function batchEveryRead(provider: CloudProvider): CloudProvider {
  return batchReads(batchDescribeServices(provider));
}
