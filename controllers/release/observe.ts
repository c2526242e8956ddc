// observe(): one batched read per port, returned frozen. The only reads of a pass.
import type { Colour, Release, ReleaseStatus } from '../../src/api/types.js';
import type { CloudPorts, EcsService, TargetHealth } from '../../src/cloud/ports.js';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import { isCloudError } from '../../src/cloud/errors.js';
import { classifyFailure } from './failure.js';
import { type Observation, type ObservedPart, type ObservedTraffic, type TargetCounts, type UnreadGap } from './observation.js';
import type { TaskDefinitionCache } from './revision.js';
import { servicesOf, trafficOf, twoColour } from './spec.js';
import { previewOf, readPreview } from './traffic/preview.js';
import { routerFor } from './traffic/router.js';
import { observeHttpStep, observeJobTasks } from './jobs/observe-jobs.js';

/** How many stopped tasks to read as evidence. */
const STOPPED_TASKS_READ = 20;

export async function observe(
  release: Release,
  status: ReleaseStatus,
  desiredRevision: string,
  ports: CloudPorts,
  taskDefinitions: TaskDefinitionCache,
  /** Reads that already failed this pass (resolving the desired revision). */
  earlier: readonly UnreadGap[] = [],
  /** The clock's time, for the probe of an http step. */
  now = 0,
): Promise<Observation> {
  const { spec } = release;
  const names = servicesOf(spec);
  const unread: UnreadGap[] = [...earlier];
  // Each port is read on its own: one throttled API must not hide what the others can tell.
  const read = async <T>(part: ObservedPart, what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      // Only what a later pass may read: a resource that is missing or refused stalls the Release.
      if (!isCloudError(err) || classifyFailure(err).terminal) throw err;
      const api = err.details.service && err.details.operation ? `${err.details.service}:${err.details.operation}` : what;
      unread.push({ part, what: api, code: err.code, message: err.message });
      return undefined;
    }
  };

  const described = await read('services', 'ecs:DescribeServices', () => ports.ecs.describeServices(spec.cluster, names));
  const services: Record<string, EcsService | undefined> = {};
  if (described) for (const name of names) services[name] = described.services.find((s) => s.name === name);

  const traffic = trafficOf(spec);
  const observedTraffic: ObservedTraffic | undefined = traffic
    ? await read('traffic', traffic.alb ? 'elbv2:DescribeListeners' : 'route53:ListResourceRecordSets', () =>
        routerFor(traffic).readWeights(ports, status.rollout),
      )
    : undefined;

  const previewRef = previewOf(release);
  const preview = previewRef && status.rollout
    ? await read('preview', 'elbv2:DescribeListeners', () => readPreview(ports, previewRef))
    : undefined;

  // A warm colour is scaled down only once the stable colour's targets are seen healthy.
  const inRollout = !!status.rollout || !!status.warmColour;
  const targets: Observation['targets'] = {};
  if (inRollout || !status.stableRevision) {
    const groups = targetGroupsOf(release, services);
    for (const [key, arn] of Object.entries(groups) as [Colour | 'service', string][]) {
      const health = await read('targets', 'elbv2:DescribeTargetHealth', () => ports.lb.describeTargetHealth(arn));
      if (health) targets[key] = countTargets(health);
    }
  }

  const autoscaled: Record<string, boolean> = {};
  // Asked together, so that the services of every pass running now share one call.
  const scalable = await read('autoscaled', 'application-autoscaling:DescribeScalableTargets', () =>
    Promise.all(names.map((name) => ports.scaling.describeScalableTarget(spec.cluster, name))),
  );
  if (scalable) names.forEach((name, i) => (autoscaled[name] = scalable[i] !== undefined));

  const rolloutService = rolloutServiceOf(release, status);
  const rollout = status.rollout;
  const stoppedTasks =
    rollout && rolloutService
      ? await read('stoppedTasks', 'ecs:ListTasks', () =>
          ports.ecs.listStoppedTasks(spec.cluster, rolloutService, { since: Date.parse(rollout.startedAt), limit: STOPPED_TASKS_READ }),
        )
      : [];

  const images: Record<string, string> = {};
  for (const ref of new Set([status.stableRevision, desiredRevision].filter((r): r is string => !!r))) {
    const td = await taskDefinitions.get(ports.ecs, ref, release.metadata.name).catch(() => undefined);
    const image = imageOf(release, td?.containers);
    if (td && image) images[familyRevision(td.arn) ?? ref] = image;
  }

  const jobs = await observeJobTasks(release, status, ports, taskDefinitions, read);
  const httpStep = await observeHttpStep(release, status, ports, now);

  return Object.freeze({
    desiredRevision,
    images,
    services,
    ...(observedTraffic ? { traffic: observedTraffic } : {}),
    ...(preview ? { preview } : {}),
    targets,
    autoscaled,
    stoppedTasks: stoppedTasks ?? [],
    ...(jobs ? { jobs } : {}),
    ...(httpStep ? { httpStep } : {}),
    ...(unread.length > 0 ? { unread } : {}),
  });
}

/** The service being rolled out: the canary colour's, or the one rolling service. */
export function rolloutServiceOf(release: Release, status: ReleaseStatus): string | undefined {
  const tc = twoColour(release.spec);
  if (!tc) return release.spec.strategy.rolling?.service;
  return status.rollout?.colour ? tc.services[status.rollout.colour] : undefined;
}

/** Target group of each colour: from the ALB spec, else from the ECS service's load balancer. */
export function targetGroupsOf(
  release: Release,
  services: Record<string, EcsService | undefined>,
): Partial<Record<Colour | 'service', string>> {
  const tc = twoColour(release.spec);
  if (!tc) {
    const name = release.spec.strategy.rolling?.service as string;
    const arn = services[name]?.loadBalancers[0]?.targetGroupArn;
    return arn ? { service: arn } : {};
  }
  if (tc.traffic.alb) return { ...tc.traffic.alb.targetGroups };
  const out: Partial<Record<Colour, string>> = {};
  for (const colour of ['blue', 'green'] as const) {
    const arn = services[tc.services[colour]]?.loadBalancers[0]?.targetGroupArn;
    if (arn) out[colour] = arn;
  }
  return out;
}

function countTargets(targets: TargetHealth[]): TargetCounts {
  return {
    healthy: targets.filter((t) => t.state === 'healthy').length,
    unhealthy: targets.filter((t) => t.state === 'unhealthy').length,
    total: targets.length,
  };
}

function imageOf(release: Release, containers: { name: string; image: string }[] | undefined): string | undefined {
  if (!containers) return undefined;
  const named = release.spec.revision.image?.container;
  return (named ? containers.find((c) => c.name === named) : containers[0])?.image;
}
