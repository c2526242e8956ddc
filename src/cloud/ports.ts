// The ports: what the reconciler needs from AWS, and nothing more. Implemented by
// src/cloud/aws/ (AWS SDK v3) and src/sim/ (the simulated AWS). Times are epoch milliseconds.

import type { CloudError } from './errors.js';

/** Whether a write changed anything, so logs and tests can tell a no-op from a change. */
export type WriteResult = 'unchanged' | 'updated';

// ---------------------------------------------------------------- ECS

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface EcsDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  rolloutState?: RolloutState;
  rolloutStateReason?: string;
  createdAt: number;
  updatedAt: number;
}

/** ECS deployment strategies (DeploymentConfiguration.strategy); ROLLING is ECS's default. */
export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'CANARY' | 'LINEAR';

/** CloudWatch alarms that fail a deployment when one of them is in ALARM (ECS DeploymentAlarms). */
export interface DeploymentAlarms {
  alarmNames: string[];
  enable: boolean;
  rollback: boolean;
}

export interface CanaryConfiguration {
  /** Multiples of 0.1 from 0.1 to 100; ECS's default 5. */
  canaryPercent?: number;
  /** 0 to 1440; ECS's default 10. */
  canaryBakeTimeInMinutes?: number;
}

export interface LinearConfiguration {
  /** Multiples of 0.1 from 3 to 100; ECS's default 10. */
  stepPercent?: number;
  /** 0 to 1440; ECS's default 6. */
  stepBakeTimeInMinutes?: number;
}

/** The blue/green family's load balancer settings (ECS AdvancedConfiguration). */
export interface LoadBalancerAdvancedConfiguration {
  alternateTargetGroupArn: string;
  /** A listener rule (ALB) or a listener (NLB) carrying production traffic. */
  productionListenerRule: string;
  testListenerRule?: string;
  roleArn: string;
}

/** What a service's deployments follow, beyond the rolling limits every service has. */
export interface DeploymentSettings {
  alarms?: DeploymentAlarms;
  strategy?: DeploymentStrategy;
  /** Minutes blue and green both run after production traffic has shifted. */
  bakeTimeInMinutes?: number;
  canaryConfiguration?: CanaryConfiguration;
  linearConfiguration?: LinearConfiguration;
}

export interface EcsService {
  arn: string;
  name: string;
  cluster: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  /** Task definition ARN of the PRIMARY deployment. */
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  deployments: EcsDeployment[];
  loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number; advancedConfiguration?: LoadBalancerAdvancedConfiguration }[];
  deploymentConfiguration: DeploymentSettings & {
    minimumHealthyPercent: number;
    maximumPercent: number;
    circuitBreaker?: { enable: boolean; rollback: boolean };
  };
}

export interface DescribeServicesResult {
  services: EcsService[];
  /** Services that could not be described (ECS `failures[]`), e.g. reason MISSING. */
  failures: { arn: string; reason: string }[];
}

export interface UpdateServiceInput {
  cluster: string;
  service: string;
  taskDefinition?: string;
  desiredCount?: number;
  forceNewDeployment?: boolean;
  /** Only the fields given change; ECS keeps the others as they were. */
  deploymentConfiguration?: DeploymentSettings & {
    minimumHealthyPercent?: number;
    maximumPercent?: number;
    circuitBreaker?: { enable: boolean; rollback: boolean };
  };
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  containers: TaskDefinitionContainer[];
  /** Its tags, when the call asked for them (findTaskDefinition does). */
  tags?: Record<string, string>;
}

/** A container definition: its name, image and, when set, its environment and secrets. */
export interface TaskDefinitionContainer {
  name: string;
  image: string;
  /** ContainerDefinition.environment: plain name/value pairs, visible to anyone who can describe the task definition. */
  environment?: { name: string; value: string }[];
  /** ContainerDefinition.secrets: values fetched at start from Secrets Manager or SSM (`valueFrom`). */
  secrets?: { name: string; valueFrom: string }[];
  logConfiguration?: ContainerLogConfiguration;
}

/** A container's logConfiguration; for awslogs, options hold awslogs-group, awslogs-stream-prefix, awslogs-region. */
export interface ContainerLogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
}

export interface EcsTask {
  arn: string;
  taskDefinition: string;
  lastStatus: string;
  desiredStatus: string;
  startedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: { name: string; exitCode?: number | null; reason?: string }[];
}

export interface RunTaskInput {
  cluster: string;
  taskDefinition: string;
  /** Container overrides, e.g. `{name: 'backend', command: ['alembic', 'upgrade', 'head']}`. */
  overrides?: { name: string; command?: string[]; environment?: Record<string, string> }[];
  /** Copy network configuration and launch type from this service. */
  likeService?: string;
  /**
   * RunTask's idempotency token (at most 64 ASCII characters 33-126, per cluster, kept 24 hours):
   * the same token and parameters return the task first started instead of starting another.
   */
  clientToken?: string;
  /** Recorded on the task (at most 128 characters); ListTasks can filter by it. */
  startedBy?: string;
}

export interface EcsPort {
  /** Any number of services; implementations call DescribeServices with at most 10 per call. */
  describeServices(cluster: string, services: readonly string[]): Promise<DescribeServicesResult>;
  updateService(input: UpdateServiceInput): Promise<EcsService>;
  /** `family`, `family:revision` or an ARN. */
  describeTaskDefinition(ref: string): Promise<TaskDefinition>;
  /**
   * Registers a new revision copied from `base` with one container's image replaced; `tags` are
   * set on it on top of the base's own (replacing any of the same key).
   */
  registerTaskDefinitionFrom(base: string, change: { container: string; image: string }, tags?: Record<string, string>): Promise<TaskDefinition>;
  /**
   * The newest ACTIVE revision of `family`, among its `limit` newest, carrying every one of `tags`
   * (ListTaskDefinitions newest first + DescribeTaskDefinition with its tags); undefined if none.
   */
  findTaskDefinition(family: string, tags: Record<string, string>, options: { limit: number }): Promise<TaskDefinition | undefined>;
  /** Recently stopped tasks of a service, newest first (list + describe). */
  listStoppedTasks(cluster: string, service: string, options?: { since?: number; limit?: number }): Promise<EcsTask[]>;
  runTask(input: RunTaskInput): Promise<{ taskArn: string }>;
  describeTasks(cluster: string, taskArns: readonly string[]): Promise<EcsTask[]>;
  /** Stops a task (StopTask); its stoppedReason becomes `reason`. Stopping a stopped task changes nothing. */
  stopTask(cluster: string, taskArn: string, reason: string): Promise<WriteResult>;
}

// ---------------------------------------------------------------- Elastic Load Balancing

export interface TargetGroupWeight {
  targetGroupArn: string;
  weight: number;
}

/** Where weights live: a listener's default action or a rule's forward action. */
export type ForwardRef = { listenerArn: string; ruleArn?: never } | { ruleArn: string; listenerArn?: never };

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealth {
  id: string;
  port: number;
  state: TargetState;
  reason?: string;
  description?: string;
}

export interface TargetGroupInfo {
  arn: string;
  name: string;
  loadBalancerArns: string[];
}

export interface LoadBalancingPort {
  readWeights(ref: ForwardRef): Promise<TargetGroupWeight[]>;
  /**
   * The weights of many listeners and rules, in the order asked: DescribeListeners by a list of
   * listener ARNs and DescribeRules by a list of rule ARNs. Like those calls it fails as a whole
   * (NotFound) when one of the ARNs does not exist; a ref whose action has no forward action to
   * carry weights gets its own CloudError('Invalid') in its place. Optional: a port without it
   * (a test double) is asked one ref at a time.
   */
  readWeightsMany?(refs: readonly ForwardRef[]): Promise<(TargetGroupWeight[] | CloudError)[]>;
  /** Replaces the forward action's target groups and weights; other action fields are kept. */
  setWeights(ref: ForwardRef, weights: readonly TargetGroupWeight[]): Promise<WriteResult>;
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealth[]>;
  describeTargetGroups(arns: readonly string[]): Promise<TargetGroupInfo[]>;
}

// ---------------------------------------------------------------- Route 53

export interface RecordKey {
  hostedZoneId: string;
  recordName: string;
  recordType: 'A' | 'AAAA' | 'CNAME';
}

export interface WeightedRecord {
  setIdentifier: string;
  weight: number;
  ttl?: number;
  values?: string[];
  aliasTarget?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
}

export type ChangeStatus = 'PENDING' | 'INSYNC';

export interface DnsPort {
  readWeightedRecords(key: RecordKey): Promise<WeightedRecord[]>;
  /** One change batch (UPSERT, values kept as they are); `changeId` is absent when unchanged. */
  setWeights(key: RecordKey, weights: readonly { setIdentifier: string; weight: number }[]): Promise<{ result: WriteResult; changeId?: string }>;
  getChangeStatus(changeId: string): Promise<ChangeStatus>;
}

// ---------------------------------------------------------------- CloudWatch

export interface MetricDataQuery {
  id: string;
  expression?: string;
  metricStat?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    stat: string;
    /** Seconds. */
    period: number;
  };
  returnData?: boolean;
}

export interface MetricDataResult {
  id: string;
  /** Newest first, as CloudWatch returns them by default. */
  timestamps: number[];
  values: number[];
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmInfo {
  name: string;
  state: AlarmState;
  reason: string;
  updatedAt: number;
}

export interface MetricsPort {
  /**
   * One result per query that returns data (returnData unset or true), in the order of the
   * queries. The range's start is rounded down to the whole minute, as CloudWatch does for data
   * under 15 days old; only published datapoints come back.
   */
  getMetricData(queries: readonly MetricDataQuery[], range: { start: number; end: number }): Promise<MetricDataResult[]>;
  describeAlarms(names: readonly string[]): Promise<AlarmInfo[]>;
}

// ---------------------------------------------------------------- Application Auto Scaling

export interface ScalableTarget {
  resourceId: string;
  minCapacity: number;
  maxCapacity: number;
  suspended: { dynamicScalingIn: boolean; dynamicScalingOut: boolean; scheduledScaling: boolean };
}

/** Target tracking's predefined metrics for an ECS service. */
export type PredefinedScalingMetric = 'ECSServiceAverageCPUUtilization' | 'ECSServiceAverageMemoryUtilization' | 'ALBRequestCountPerTarget';

export interface TargetTrackingPolicy {
  type: 'TargetTrackingScaling';
  targetValue: number;
  /** Exactly one of predefinedMetric and customizedMetric. */
  predefinedMetric?: { type: PredefinedScalingMetric; /** ALBRequestCountPerTarget: `app/<lb>/<id>/targetgroup/<tg>/<id>`. */ resourceLabel?: string };
  customizedMetric?: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' | 'Sum' };
  scaleOutCooldownSeconds?: number;
  scaleInCooldownSeconds?: number;
  disableScaleIn?: boolean;
}

export interface StepAdjustment {
  /** Relative to the alarm's threshold; lower inclusive, upper exclusive above it. Absent: unbounded. */
  lowerBound?: number;
  upperBound?: number;
  scalingAdjustment: number;
}

export interface StepScalingPolicy {
  type: 'StepScaling';
  adjustmentType: 'ChangeInCapacity' | 'PercentChangeInCapacity' | 'ExactCapacity';
  stepAdjustments: StepAdjustment[];
  minAdjustmentMagnitude?: number;
  cooldownSeconds?: number;
  metricAggregationType?: 'Average' | 'Minimum' | 'Maximum';
}

export interface ScalingPolicyInput {
  name: string;
  policy: TargetTrackingPolicy | StepScalingPolicy;
}

export interface ScalingPolicyResult {
  policyArn: string;
  /** The alarms Application Auto Scaling created (target tracking only). */
  alarms: { name: string; arn: string }[];
}

export interface ScheduledActionInput {
  name: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or `cron(fields)`. */
  schedule: string;
  /** IANA time zone for `at` and `cron`; default UTC. */
  timezone?: string;
  startTime?: number;
  endTime?: number;
  minCapacity?: number;
  maxCapacity?: number;
}

export type ScalingActivityStatus = 'Pending' | 'InProgress' | 'Successful' | 'Overridden' | 'Unfulfilled' | 'Failed';

export interface ScalingActivity {
  activityId: string;
  resourceId: string;
  /** e.g. `Setting desired count to 4.` */
  description: string;
  cause: string;
  startTime: number;
  endTime?: number;
  statusCode: ScalingActivityStatus;
  statusMessage?: string;
}

export interface ScalingPort {
  /** The registration that owns a service's desiredCount, if any. */
  describeScalableTarget(cluster: string, service: string): Promise<ScalableTarget | undefined>;
  /**
   * describeScalableTarget for many services (any clusters) at once, in the order asked:
   * DescribeScalableTargets by ResourceIds. Optional, like readWeightsMany.
   */
  describeScalableTargets?(services: readonly { cluster: string; service: string }[]): Promise<(ScalableTarget | undefined)[]>;
  /** Creates or replaces a scaling policy on the service's scalable target. */
  putScalingPolicy(cluster: string, service: string, input: ScalingPolicyInput): Promise<ScalingPolicyResult>;
  /** Creates or replaces a scheduled action on the service's scalable target. */
  putScheduledAction(cluster: string, service: string, input: ScheduledActionInput): Promise<void>;
  /** The service's scaling activities, newest first. */
  describeScalingActivities(cluster: string, service: string, options?: { limit?: number }): Promise<ScalingActivity[]>;
}

// ---------------------------------------------------------------- HTTP probes

export interface HttpProbeResult {
  status: number;
  body: string;
  durationMs: number;
}

export interface HttpProbePort {
  /** Rejects with CloudError('Timeout') past timeoutMs, CloudError('Unavailable') when nothing answers. */
  get(url: string, options: { timeoutMs: number }): Promise<HttpProbeResult>;
}

// ---------------------------------------------------------------- ECR

/** One image of a repository, as ECR DescribeImages reports it. */
export interface RegistryImage {
  digest: string;
  tags: string[];
  pushedAt?: number;
}

export interface RegistryPort {
  /**
   * The image a tag names now in `repository` (ECR DescribeImages with imageIds imageTag);
   * `registryId` is the account, the default registry when absent. Rejects NotFound when the
   * repository or the tag does not exist.
   */
  describeImageByTag(repository: string, tag: string, registryId?: string): Promise<RegistryImage>;
}

// ---------------------------------------------------------------- all together

export interface CloudPorts {
  ecs: EcsPort;
  lb: LoadBalancingPort;
  dns: DnsPort;
  metrics: MetricsPort;
  scaling: ScalingPort;
  http: HttpProbePort;
  registry: RegistryPort;
}

/**
 * Whose calls these are: a pass of a Release with a rollout in flight, a revert, an abort or a
 * spec change (`rollout`) goes before a steady-state resync (`steady`) when AWS's rate is short.
 */
export type CallPriority = 'rollout' | 'steady';

/** What the controller tells the provider about the pass the ports are for. */
export interface PassContext {
  /** Default `steady`. */
  priority?: CallPriority;
}

/** Ports for a region (`undefined`: the configured default). */
export type CloudProvider = (region: string | undefined, pass?: PassContext) => CloudPorts;
