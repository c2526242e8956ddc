// The shape of a simulated world, as written in a world file (YAML) and described by
// schemas/sim-world.schema.json. Durations are strings (`30s`, `5m`); times in `at` fields are
// offsets from the moment the simulator starts.

import type { DurationString } from '../api/types.js';
import type { ContainerLogConfiguration, DeploymentSettings, LoadBalancerAdvancedConfiguration } from '../cloud/ports.js';

export interface SimWorld {
  /** Seeds every random draw; the same seed and the same calls give the same run. Default 1. */
  seed?: number;
  /** ISO 8601 start time for whoever creates the clock (the simulator starts at the clock's now). */
  start?: string;
  account?: string;
  region?: string;
  clusters: string[];
  taskDefinitions: WorldTaskDefinition[];
  /** Behaviour of images registered later (registerTaskDefinitionFrom), by image URI. */
  images?: { image: string; profile: ProfileSpec }[];
  services: WorldService[];
  /** ECR repositories, for tags resolved to digests. */
  repositories?: WorldRepository[];
  loadBalancers?: WorldLoadBalancer[];
  targetGroups: WorldTargetGroup[];
  listeners?: WorldListener[];
  rules?: WorldRule[];
  hostedZones?: WorldHostedZone[];
  route53?: { changePropagation?: DurationString };
  metrics?: {
    omitZeroCounts?: boolean;
    /** How long after its minute ends a datapoint is visible to GetMetricData and alarms. Default 2m. */
    publicationDelay?: DurationString;
  };
  traffic?: WorldTraffic[];
  alarms?: WorldAlarm[];
  scalableTargets?: WorldScalableTarget[];
  endpoints?: WorldEndpoint[];
  faults?: WorldFault[];
  timeline?: WorldTimelineEntry[];
  /** Groups of people who may approve, as keelson.yaml's `approvers`, for rehearsals of approval gates. */
  approvers?: Record<string, string[]>;
}

export interface LatencySpec {
  p50: number;
  p95: number;
  p99: number;
}

export interface BehaviourChange {
  errorRate?: number;
  latencyMs?: LatencySpec;
  ready?: boolean;
  healthCheck?: boolean;
}

export interface ProfileSpec extends BehaviourChange {
  /** From task creation to RUNNING. Default 20s. */
  startup?: DurationString;
  /** The essential container exits this long after RUNNING. */
  crashOnStart?: { exitCode: number; reason?: string; after?: DurationString };
  /** The behaviour changes this long after each task started. */
  turnsBad?: BehaviourChange & { after: DurationString };
  /** One-off tasks (runTask) exit with this code after this long. Default 30s, 0; stoppedReason: ECS's for an exited essential container. */
  runTask?: { duration?: DurationString; exitCode?: number; stoppedReason?: string };
  /**
   * CPU a task uses, in percent of its reservation: `idle` plus `perRequest` for each request a
   * second it serves (capped at 100). Defaults 5 and 0.5.
   */
  cpu?: { idle?: number; perRequest?: number };
  /** Memory a task uses, in percent of its reservation. Default 30. */
  memoryPercent?: number;
}

export interface WorldTaskDefinition {
  family: string;
  revision: number;
  containers: WorldContainer[];
  profile?: ProfileSpec;
}

export interface WorldContainer {
  name: string;
  image: string;
  port?: number;
  /** ContainerDefinition.environment: plain name/value pairs. */
  environment?: { name: string; value: string }[];
  /** ContainerDefinition.secrets: values ECS fetches at start (`valueFrom` an ARN). */
  secrets?: { name: string; valueFrom: string }[];
  /** ContainerDefinition.logConfiguration: where a job's logs go (awslogs group and stream prefix). */
  logConfiguration?: ContainerLogConfiguration;
}

/** An ECR repository: each image by digest, with the tags that name it now. */
export interface WorldRepository {
  name: string;
  /** The registry's account id. Default: the world's account. */
  registryId?: string;
  images: { digest: string; tags?: string[] }[];
}

export interface WorldService {
  cluster: string;
  name: string;
  /** `family:revision`. */
  taskDefinition: string;
  desiredCount: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /** Deployment alarms and the strategy, as in ECS's deploymentConfiguration. Default ROLLING. */
  deploymentConfiguration?: DeploymentSettings;
  targetGroup?: string;
  /** Instead of targetGroup: one load balancer, with advancedConfiguration for the blue/green family. */
  loadBalancers?: WorldServiceLoadBalancer[];
  containerName?: string;
  containerPort?: number;
}

export interface WorldServiceLoadBalancer {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
  advancedConfiguration?: LoadBalancerAdvancedConfiguration;
}

export interface WorldLoadBalancer {
  arn: string;
  dnsName?: string;
  /** Canonical hosted zone of the load balancer, used by alias records. */
  hostedZoneId?: string;
}

export interface WorldTargetGroup {
  arn: string;
  port?: number;
  healthCheck?: {
    path?: string;
    interval?: DurationString;
    healthyThreshold?: number;
    unhealthyThreshold?: number;
  };
  deregistrationDelay?: DurationString;
}

export interface WorldForward {
  targetGroupArn: string;
  weight: number;
}

export interface WorldListener {
  arn: string;
  forward: WorldForward[];
}

export interface WorldRule {
  arn: string;
  forward: WorldForward[];
}

export interface WorldRecord {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME';
  setIdentifier: string;
  weight: number;
  ttl?: number;
  values?: string[];
  aliasTarget?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
}

export interface WorldHostedZone {
  id: string;
  name: string;
  records: WorldRecord[];
}

export interface WorldRecordRef {
  hostedZoneId: string;
  recordName: string;
  recordType: 'A' | 'AAAA' | 'CNAME';
}

/** Where requests enter: exactly one of listenerArn, ruleArn, record. */
export interface WorldEntryRef {
  listenerArn?: string;
  ruleArn?: string;
  record?: WorldRecordRef;
}

export interface WorldTraffic extends WorldEntryRef {
  /** Label in traffic statistics. Default: the ARN or record name. */
  name?: string;
  rps: number;
  /** Seeded uniform noise on the rate, as a fraction (0.1 = ±10%). */
  noise?: number;
}

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export interface WorldAlarm {
  name: string;
  namespace?: string;
  metricName: string;
  dimensions?: Record<string, string>;
  /** Shorthand for the TargetGroup and LoadBalancer dimensions of this target group. */
  targetGroup?: string;
  /** Shorthand for the LoadBalancer dimension of this load balancer. */
  loadBalancer?: string;
  stat: string;
  period?: DurationString;
  threshold: number;
  comparison: ComparisonOperator;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
}

export interface WorldScalableTarget {
  cluster: string;
  service: string;
  minCapacity: number;
  maxCapacity: number;
  suspended?: { dynamicScalingIn?: boolean; dynamicScalingOut?: boolean; scheduledScaling?: boolean };
  policies?: WorldScalingPolicy[];
  scheduledActions?: WorldScheduledAction[];
}

/** A scaling policy: exactly one of targetTracking and stepScaling. */
export interface WorldScalingPolicy {
  name: string;
  targetTracking?: WorldTargetTracking;
  stepScaling?: WorldStepScaling;
}

export interface WorldTargetTracking {
  targetValue: number;
  /** Exactly one of predefinedMetric and customizedMetric. */
  predefinedMetric?: 'ECSServiceAverageCPUUtilization' | 'ECSServiceAverageMemoryUtilization' | 'ALBRequestCountPerTarget';
  /** ALBRequestCountPerTarget: `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`. */
  resourceLabel?: string;
  customizedMetric?: { namespace: string; metricName: string; dimensions?: Record<string, string>; statistic: 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' | 'Sum' };
  /** Default 300s (ECS). */
  scaleOutCooldown?: DurationString;
  /** Default 300s (ECS). */
  scaleInCooldown?: DurationString;
  disableScaleIn?: boolean;
}

export interface WorldStepScaling {
  /** The world alarm whose ALARM state invokes the policy. */
  alarm: string;
  adjustmentType: 'ChangeInCapacity' | 'PercentChangeInCapacity' | 'ExactCapacity';
  stepAdjustments: { lowerBound?: number; upperBound?: number; scalingAdjustment: number }[];
  minAdjustmentMagnitude?: number;
  /** Default 300s. */
  cooldown?: DurationString;
  /** Default Average. */
  metricAggregationType?: 'Average' | 'Minimum' | 'Maximum';
}

export interface WorldScheduledAction {
  name: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or `cron(min hour day-of-month month day-of-week year)`. */
  schedule: string;
  /** IANA time zone for at and cron. Default UTC. */
  timezone?: string;
  /** ISO 8601. */
  startTime?: string;
  endTime?: string;
  minCapacity?: number;
  maxCapacity?: number;
}

export interface WorldEndpoint extends WorldEntryRef {
  host: string;
}

export type FaultService = 'ecs' | 'elbv2' | 'route53' | 'cloudwatch' | 'autoscaling' | 'ecr';

export interface ApiFault {
  kind: 'throttle' | 'serverError' | 'timeout';
  at: DurationString;
  for: DurationString;
  service: FaultService;
  /** AWS operation names, e.g. DescribeServices. Default: every operation of the service. */
  operations?: string[];
  /** Chance that a matching call fails. Default 1. */
  probability?: number;
  /** Fails at most this many calls (each attempt of an SDK retry is one), then is spent. Default: no limit. */
  count?: number;
}

export interface RevisionTurnsBadFault extends BehaviourChange {
  kind: 'revisionTurnsBad';
  /** `family:revision`. */
  taskDefinition: string;
  at: DurationString;
  for?: DurationString;
  /**
   * Only tasks started at or after `at` change: ECS injects secrets when a container starts, so
   * a rotated secret reaches new tasks only (a bad rotation shows in them alone).
   */
  newTasksOnly?: boolean;
}

export interface TargetsUnhealthyFault {
  kind: 'targetsUnhealthy';
  targetGroup: string;
  at: DurationString;
  for: DurationString;
}

export type WorldFault = ApiFault | RevisionTurnsBadFault | TargetsUnhealthyFault;

/** keelson operations a timeline can run. */
export type TimelineOperation = 'promote' | 'abort' | 'retry' | 'restart' | 'approve';

/** What people do at `at`: exactly one action per entry (see docs/sim-world.md). */
export interface WorldTimelineEntry {
  at: DurationString;
  /** Who does it: shown in the timeline and recorded with an operation. */
  by?: string;
  /** Manifest file to apply, relative to the world file. */
  apply?: string;
  /** Absolute path of `apply`, set by loadWorld. */
  path?: string;
  /** `aws ecs update-service` by hand. */
  updateService?: { cluster: string; service: string; taskDefinition?: string; desiredCount?: number; forceNewDeployment?: boolean };
  /** A listener's or rule's weights edited by hand: exactly one of listenerArn, ruleArn. */
  setWeights?: { listenerArn?: string; ruleArn?: string; forward: WorldForward[] };
  /** Route 53 weights edited by hand. */
  setRecordWeights?: WorldRecordRef & { weights: { setIdentifier: string; weight: number }[] };
  /** `aws ecs delete-service` (refused while scaled above 0 unless force, as in AWS). */
  deleteService?: { cluster: string; service: string; force?: boolean };
  /** `aws elbv2 delete-target-group`. */
  deleteTargetGroup?: { targetGroupArn: string };
  /** A Release removed from the source, by name. */
  delete?: string;
  /** A Release put back into the source as it was last applied, by name. */
  restore?: string;
  /** A keelson operation on `release`, recorded as done by `by`. */
  operation?: TimelineOperation;
  release?: string;
  /** promote: skip every remaining step and the bake. */
  full?: boolean;
  /** approve: the revision approved (`keelson approve --revision`). */
  revision?: string;
}

/** The action keys of a timeline entry, one of which each entry has. */
export const TIMELINE_ACTIONS = ['apply', 'updateService', 'setWeights', 'setRecordWeights', 'deleteService', 'deleteTargetGroup', 'delete', 'restore', 'operation'] as const;
