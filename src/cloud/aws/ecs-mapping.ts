// ECS API shapes → port shapes, and the copy of a task definition for a new revision.
import type {
  Deployment,
  DeploymentConfiguration,
  DeploymentStrategy as AwsDeploymentStrategy,
  LoadBalancer,
  RegisterTaskDefinitionCommandInput,
  Service,
  Tag,
  Task,
  TaskDefinition as AwsTaskDefinition,
} from '@aws-sdk/client-ecs';
import type { DeploymentSettings, DeploymentStrategy, EcsDeployment, EcsService, EcsTask, RolloutState, TaskDefinition, TaskDefinitionContainer, UpdateServiceInput } from '../ports.js';
import { epochMs, lastSegment } from './batch.js';

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export function toDeployment(d: Deployment): EcsDeployment {
  const deployment: EcsDeployment = {
    id: d.id ?? '',
    status: oneOf(d.status, ['PRIMARY', 'ACTIVE', 'INACTIVE'], 'INACTIVE'),
    taskDefinition: d.taskDefinition ?? '',
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    pendingCount: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    createdAt: epochMs(d.createdAt) ?? 0,
    updatedAt: epochMs(d.updatedAt) ?? epochMs(d.createdAt) ?? 0,
  };
  if (d.rolloutState !== undefined) {
    deployment.rolloutState = oneOf<RolloutState>(d.rolloutState, ['IN_PROGRESS', 'COMPLETED', 'FAILED'], 'IN_PROGRESS');
  }
  if (d.rolloutStateReason !== undefined) deployment.rolloutStateReason = d.rolloutStateReason;
  return deployment;
}

/** `cluster` is the cluster's name (taken from the service's cluster ARN), as manifests name it. */
export function toEcsService(s: Service, requestedCluster: string): EcsService {
  const deployments = (s.deployments ?? []).map(toDeployment);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const config = s.deploymentConfiguration;
  const breaker = config?.deploymentCircuitBreaker;
  return {
    arn: s.serviceArn ?? '',
    name: s.serviceName ?? '',
    cluster: lastSegment(s.clusterArn ?? requestedCluster),
    status: oneOf(s.status, ['ACTIVE', 'DRAINING', 'INACTIVE'], 'INACTIVE'),
    taskDefinition: primary?.taskDefinition ?? s.taskDefinition ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    deployments,
    // Classic load balancers (no target group) carry no weights keelson could move.
    loadBalancers: (s.loadBalancers ?? []).flatMap((lb) =>
      lb.targetGroupArn === undefined
        ? []
        : [{ targetGroupArn: lb.targetGroupArn, containerName: lb.containerName ?? '', containerPort: lb.containerPort ?? 0, ...advancedOf(lb) }],
    ),
    deploymentConfiguration: {
      // ECS's own defaults when the service never set them.
      minimumHealthyPercent: config?.minimumHealthyPercent ?? 100,
      maximumPercent: config?.maximumPercent ?? 200,
      ...(breaker ? { circuitBreaker: { enable: breaker.enable ?? false, rollback: breaker.rollback ?? false } } : {}),
      ...deploymentSettingsOf(config),
    },
  };
}

const STRATEGIES: readonly DeploymentStrategy[] = ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'];

function advancedOf(lb: LoadBalancer): Pick<EcsService['loadBalancers'][number], 'advancedConfiguration'> {
  const a = lb.advancedConfiguration;
  if (!a?.alternateTargetGroupArn || !a.productionListenerRule) return {};
  return {
    advancedConfiguration: {
      alternateTargetGroupArn: a.alternateTargetGroupArn,
      productionListenerRule: a.productionListenerRule,
      ...(a.testListenerRule ? { testListenerRule: a.testListenerRule } : {}),
      roleArn: a.roleArn ?? '',
    },
  };
}

function deploymentSettingsOf(config: DeploymentConfiguration | undefined): DeploymentSettings {
  const out: DeploymentSettings = {};
  if (!config) return out;
  const alarms = config.alarms;
  if (alarms) out.alarms = { alarmNames: alarms.alarmNames ?? [], enable: alarms.enable ?? false, rollback: alarms.rollback ?? false };
  if (config.strategy !== undefined) out.strategy = oneOf(config.strategy, STRATEGIES, 'ROLLING');
  if (config.bakeTimeInMinutes !== undefined) out.bakeTimeInMinutes = config.bakeTimeInMinutes;
  const canary = config.canaryConfiguration;
  if (canary) {
    out.canaryConfiguration = {
      ...(canary.canaryPercent !== undefined ? { canaryPercent: canary.canaryPercent } : {}),
      ...(canary.canaryBakeTimeInMinutes !== undefined ? { canaryBakeTimeInMinutes: canary.canaryBakeTimeInMinutes } : {}),
    };
  }
  const linear = config.linearConfiguration;
  if (linear) {
    out.linearConfiguration = {
      ...(linear.stepPercent !== undefined ? { stepPercent: linear.stepPercent } : {}),
      ...(linear.stepBakeTimeInMinutes !== undefined ? { stepBakeTimeInMinutes: linear.stepBakeTimeInMinutes } : {}),
    };
  }
  return out;
}

/** The port's deployment configuration in UpdateService's request shape: only the fields given. */
export function toDeploymentConfiguration(input: NonNullable<UpdateServiceInput['deploymentConfiguration']>): DeploymentConfiguration {
  const out: DeploymentConfiguration = {};
  if (input.minimumHealthyPercent !== undefined) out.minimumHealthyPercent = input.minimumHealthyPercent;
  if (input.maximumPercent !== undefined) out.maximumPercent = input.maximumPercent;
  if (input.circuitBreaker) out.deploymentCircuitBreaker = { enable: input.circuitBreaker.enable, rollback: input.circuitBreaker.rollback };
  if (input.alarms) out.alarms = { alarmNames: [...input.alarms.alarmNames], enable: input.alarms.enable, rollback: input.alarms.rollback };
  if (input.strategy !== undefined) out.strategy = input.strategy satisfies AwsDeploymentStrategy;
  if (input.bakeTimeInMinutes !== undefined) out.bakeTimeInMinutes = input.bakeTimeInMinutes;
  if (input.canaryConfiguration) out.canaryConfiguration = { ...input.canaryConfiguration };
  if (input.linearConfiguration) out.linearConfiguration = { ...input.linearConfiguration };
  return out;
}

export function toTaskDefinition(td: AwsTaskDefinition | undefined, tags?: readonly Tag[]): TaskDefinition {
  return {
    ...(tags ? { tags: Object.fromEntries(tags.filter((t) => t.key !== undefined).map((t) => [t.key as string, t.value ?? ''])) } : {}),
    arn: td?.taskDefinitionArn ?? '',
    family: td?.family ?? '',
    revision: td?.revision ?? 0,
    status: oneOf(td?.status, ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'], 'ACTIVE'),
    containers: (td?.containerDefinitions ?? []).map(containerOf),
  };
}

/** Name and image, plus environment and secrets when the definition has any (names and ARNs as ECS gives them). */
function containerOf(c: NonNullable<AwsTaskDefinition['containerDefinitions']>[number]): TaskDefinitionContainer {
  const environment = (c.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' }));
  const secrets = (c.secrets ?? []).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' }));
  return {
    name: c.name ?? '',
    image: c.image ?? '',
    ...(environment.length > 0 ? { environment } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(c.logConfiguration?.logDriver
      ? { logConfiguration: { logDriver: c.logConfiguration.logDriver, ...(c.logConfiguration.options ? { options: { ...c.logConfiguration.options } } : {}) } }
      : {}),
  };
}

export function toTask(t: Task): EcsTask {
  const task: EcsTask = {
    arn: t.taskArn ?? '',
    taskDefinition: t.taskDefinitionArn ?? '',
    lastStatus: t.lastStatus ?? '',
    desiredStatus: t.desiredStatus ?? '',
    containers: (t.containers ?? []).map((c) => {
      const container: EcsTask['containers'][number] = { name: c.name ?? '', exitCode: c.exitCode ?? null };
      if (c.reason !== undefined) container.reason = c.reason;
      return container;
    }),
  };
  const startedAt = epochMs(t.startedAt);
  const stoppedAt = epochMs(t.stoppedAt);
  if (startedAt !== undefined) task.startedAt = startedAt;
  if (stoppedAt !== undefined) task.stoppedAt = stoppedAt;
  if (t.stopCode !== undefined) task.stopCode = t.stopCode;
  if (t.stoppedReason !== undefined) task.stoppedReason = t.stoppedReason;
  return task;
}

/** When a task stopped, or began stopping; tasks still stopping count as the newest. */
export function stoppedTime(t: Task): number {
  return epochMs(t.stoppedAt) ?? epochMs(t.stoppingAt) ?? epochMs(t.executionStoppedAt) ?? Number.MAX_SAFE_INTEGER;
}

/**
 * The RegisterTaskDefinition input for a copy of `td` with one container's image replaced,
 * or undefined when `td` has no such container.
 */
export function copyWithImage(
  td: AwsTaskDefinition,
  tags: readonly Tag[],
  change: { container: string; image: string },
  extraTags: Record<string, string> = {},
): RegisterTaskDefinitionCommandInput | undefined {
  const containers = td.containerDefinitions ?? [];
  if (!containers.some((c) => c.name === change.container)) return undefined;
  // Fields ECS sets itself: RegisterTaskDefinition rejects or ignores them.
  const {
    taskDefinitionArn: _arn, revision: _revision, status: _status, requiresAttributes: _attributes,
    compatibilities: _compatibilities, registeredAt: _registeredAt, registeredBy: _registeredBy,
    deregisteredAt: _deregisteredAt, deleteRequestedAt: _deleteRequestedAt,
    ...writable
  } = td;
  // Tags under the reserved `aws:` prefix (CloudFormation's, for one) cannot be set by callers.
  // The given tags win over the base's own: a base derived earlier carries another spec hash.
  const userTags = [
    ...tags.filter((t) => !t.key?.toLowerCase().startsWith('aws:') && !(t.key !== undefined && t.key in extraTags)),
    ...Object.entries(extraTags).map(([key, value]) => ({ key, value })),
  ];
  return {
    ...writable,
    family: td.family,
    containerDefinitions: containers.map((c) => (c.name === change.container ? { ...c, image: change.image } : c)),
    ...(userTags.length > 0 ? { tags: userTags } : {}),
  };
}
