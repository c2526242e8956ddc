// The Release API, keelson.dev/v1alpha1. These types mirror schemas/release.schema.json;
// test/unit/api/types-match-schema.test.ts proves the two do not drift.

export const API_VERSION = 'keelson.dev/v1alpha1';
export const RELEASE_KIND = 'Release';

/** A duration such as `30s`, `5m`, `1h30m`, `24h`. */
export type DurationString = string;

export type Colour = 'blue' | 'green';

export interface Release {
  apiVersion: typeof API_VERSION;
  kind: typeof RELEASE_KIND;
  metadata: ReleaseMetadata;
  spec: ReleaseSpec;
  status?: ReleaseStatus;
}

export interface ReleaseMetadata {
  /** DNS label, unique within a source. */
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ReleaseSpec {
  cluster: string;
  region?: string;
  revision: RevisionSpec;
  /** Omit when Application Auto Scaling owns desiredCount. */
  replicas?: number;
  strategy: StrategySpec;
  health?: HealthSpec;
  rollback?: RollbackSpec;
  /** A rollout whose tasks never become stable within this time fails. Default 10m. */
  progressDeadline?: DurationString;
}

export type RevisionSpec =
  | { taskDefinition: string; image?: never }
  | { image: ImageRevision; taskDefinition?: never };

export interface ImageRevision {
  /** Container in the stable task definition whose image is replaced. */
  container: string;
  /** Image URI, preferably pinned by digest (`repo@sha256:...`). */
  uri: string;
}

export type StrategySpec =
  | { rolling: RollingStrategy; canary?: never; blueGreen?: never }
  | { canary: CanaryStrategy; rolling?: never; blueGreen?: never }
  | { blueGreen: BlueGreenStrategy; rolling?: never; canary?: never };

export type StrategyKind = 'rolling' | 'canary' | 'blueGreen';

export interface RollingStrategy {
  service: string;
}

export interface ColourServices {
  blue: string;
  green: string;
}

export interface CanaryStrategy {
  services: ColourServices;
  traffic: TrafficSpec;
  steps: Step[];
  /** Keep the old colour running this long after promotion, for instant rollback. Default 24h. */
  scaleDownDelay?: DurationString;
}

export interface BlueGreenStrategy {
  services: ColourServices;
  traffic: TrafficSpec;
  /** Analysis of the new colour before it takes traffic (on the preview listener, if any). */
  prePromotionAnalysis?: { duration: DurationString };
  /** A listener or rule that always forwards to the new colour, for testing it before the switch. */
  preview?: { listenerArn?: string; ruleArn?: string };
  /** When false, wait for a human `promote` before switching. Default true. */
  autoPromote?: boolean;
  scaleDownDelay?: DurationString;
}

export type TrafficSpec =
  | { alb: AlbTraffic; route53?: never }
  | { route53: Route53Traffic; alb?: never };

export interface AlbTraffic {
  /** The listener whose default action forwards to both target groups (exactly one of listenerArn, ruleArn). */
  listenerArn?: string;
  /** A listener rule whose forward action carries the weights. */
  ruleArn?: string;
  targetGroups: { blue: string; green: string };
}

export interface Route53Traffic {
  hostedZoneId: string;
  recordName: string;
  recordType: 'A' | 'AAAA' | 'CNAME';
  setIdentifiers: { blue: string; green: string };
}

export type Step = SetWeightStep | PauseStep | AnalysisStep;
export interface SetWeightStep { setWeight: number }
export interface PauseStep { pause: { duration?: DurationString } }
export interface AnalysisStep { analysis: { duration: DurationString; conditions?: string[] } }

export interface HealthSpec {
  /** How often conditions are measured. Default 15s. */
  interval?: DurationString;
  conditions?: HealthCondition[];
}

export type HealthCondition = HealthConditionBase &
  (
    | { http: HttpCheck; targetHealth?: never; metric?: never; alarm?: never }
    | { targetHealth: TargetHealthCheck; http?: never; metric?: never; alarm?: never }
    | { metric: MetricCheck; http?: never; targetHealth?: never; alarm?: never }
    | { alarm: AlarmCheck; http?: never; targetHealth?: never; metric?: never }
  );

export type HealthConditionKind = 'http' | 'targetHealth' | 'metric' | 'alarm';

export interface HealthConditionBase {
  name: string;
  /** How long the condition must fail continuously before it counts. Default: one interval. */
  failFor?: DurationString;
}

export interface HttpCheck {
  url: string;
  expectStatus?: number;
  /** Optional check of a field in a JSON body, e.g. `{path: ok, equals: true}`. */
  jsonField?: { path: string; equals: string | number | boolean };
  timeout?: DurationString;
}

export interface TargetHealthCheck {
  /** Most unhealthy targets tolerated in the new colour's target group. Default 0. */
  maxUnhealthy?: number;
}

export type BuiltinMetric = 'errorRate' | 'latencyP95' | 'latencyP99';

export interface MetricCheck {
  /** A metric keelson knows how to query for the new colour's target group. */
  builtin?: BuiltinMetric;
  /** A raw CloudWatch query (metric math allowed); the query with returnData true is the value. */
  cloudwatch?: { queries: MetricQuery[] };
  /** Failing when the value is above max. */
  max?: number;
  /** Failing when the value is below min. */
  min?: number;
  /** Failing when the value exceeds the stable colour's by more than this (absolute). */
  maxIncrease?: number;
  /** Failing when the value exceeds the stable colour's by more than this percentage. */
  maxIncreasePercent?: number;
  /** Period the value is computed over. Default 1m. */
  window?: DurationString;
}

export interface MetricQuery {
  id: string;
  expression?: string;
  metricStat?: {
    namespace: string;
    metricName: string;
    /** Values may use ${targetGroup} and ${loadBalancer}: the colour being measured. */
    dimensions?: Record<string, string>;
    stat: string;
  };
  returnData?: boolean;
}

export interface AlarmCheck {
  name: string;
}

export interface RollbackSpec {
  /** Revert on its own when a condition fails. Default true. */
  auto?: boolean;
  /** After 100%, keep watching health this long; a failure then still reverts. Default 5m. */
  bakeTime?: DurationString;
}

// ---------------------------------------------------------------- status

export type Phase =
  | 'Pending'
  | 'Progressing'
  | 'Paused'
  | 'Healthy'
  | 'Degraded'
  | 'Aborted'
  | 'Invalid'
  | 'Orphaned';

export type ConditionType = 'Ready' | 'Progressing' | 'Healthy' | 'Paused' | 'SourceReady' | 'Drifted' | 'ObservationIncomplete';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface StatusCondition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** ISO 8601; moves only when status changes. */
  lastTransitionTime: string;
}

export type HealthState = 'Passing' | 'Failing' | 'Unknown';

export interface ConditionHealth {
  name: string;
  state: HealthState;
  value?: number | null;
  threshold?: string;
  message?: string;
  /** ISO 8601: when the current state began. */
  since: string;
  /** ISO 8601: start of the current streak of failed checks (before and after failFor elapses). */
  badSince?: string | null;
  /** ISO 8601: when the condition was last measured. */
  checkedAt?: string;
}

export type RolloutResult = 'Promoted' | 'Reverted' | 'Aborted' | 'Superseded';

export interface HistoryEntry {
  revision: string;
  fromRevision?: string | null;
  result: RolloutResult;
  reason?: string;
  startedAt: string;
  finishedAt: string;
}

/** Why a revision was reverted: enough for a person to act without digging. */
export interface RevertEvidence {
  revision: string;
  condition: string;
  value?: number | null;
  threshold?: string;
  window?: DurationString;
  failingSince?: string;
  revertedAt: string;
  stoppedTasks?: { taskArn: string; stoppedReason?: string; exitCode?: number | null }[];
}

export interface ReleaseStatus {
  observedGeneration?: number;
  phase: Phase;
  message?: string;
  sourceRevision?: string;
  stableRevision?: string | null;
  desiredRevision?: string | null;
  blockedRevision?: string | null;
  currentStepIndex?: number | null;
  weights?: { blue: number; green: number } | null;
  /** The colour serving the stable revision (canary and blueGreen). */
  stableColour?: Colour | null;
  conditions?: StatusCondition[];
  health?: ConditionHealth[];
  history?: HistoryEntry[];
  lastRevert?: RevertEvidence | null;
  /** The controller's durable progress through the current rollout. */
  rollout?: RolloutProgress | null;
  /** Highest operation (promote/abort/retry) sequence number already applied. */
  lastOperationSeq?: number;
}

export interface RolloutProgress {
  revision: string;
  fromRevision?: string | null;
  colour?: Colour | null;
  generation: number;
  startedAt: string;
  stepIndex: number;
  stepStartedAt: string;
  /** Set once weights for the current step were written and read back. */
  stepReachedAt?: string | null;
  completedAt?: string | null;
  /** Warm old colour may be scaled down after this time. */
  scaleDownAt?: string | null;
  promoteFull?: boolean;
  /** Set when the rollout is being wound back (revert, abort, superseded by a newer revision). */
  result?: RolloutResult | null;
  /** Route53: the change that carries the last weights, and when it was first seen INSYNC. */
  trafficChangeId?: string | null;
  trafficInSyncAt?: string | null;
  /** Switched straight back to a warm colour, without the steps. */
  fast?: boolean;
}
