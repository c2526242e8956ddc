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
  /** The revision's images must first have been stable and Healthy in another Release. */
  promotion?: PromotionSpec;
  /** When a rollout may move forward. Default: the source's defaults in keelson.yaml, else always. */
  schedule?: DeploySchedule;
  /** ISO 8601: roll the stable revision again (new tasks) once this time has come, if later than the last restart. */
  restartAt?: string;
  /** One-off ECS tasks run around a rollout: migrations before, warm-ups after. */
  hooks?: HooksSpec;
}

export interface PromotionSpec {
  from: {
    /** Another Release this controller reconciles (any source), e.g. api-staging. */
    release: string;
    /** How long it must have served these digests as its stable revision, Healthy, up to now. */
    stableFor: DurationString;
  };
}

/** Allowed windows, blackouts and freezes: a rollout starts and moves traffic forward only while allowed. */
export interface DeploySchedule {
  /** IANA time zone of entries that name none. Default UTC. */
  timeZone?: string;
  /** None listed: always allowed, blackouts and freezes aside. */
  windows?: RecurringPeriod[];
  blackouts?: RecurringPeriod[];
  freezes?: Freeze[];
}

/** A period that opens at every occurrence of `cron` and lasts `duration`. */
export interface RecurringPeriod {
  cron: string;
  duration: DurationString;
  timeZone?: string;
  reason?: string;
}

export interface Freeze {
  /** ISO 8601. */
  from: string;
  /** ISO 8601, later than from. */
  to: string;
  reason?: string;
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
  /** A gate before the new revision starts: people approve it first. */
  approval?: ApprovalGate;
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
  prePromotionAnalysis?: { duration: DurationString; conditions?: string[] };
  /** A listener or rule that always forwards to the new colour, for testing it before the switch. */
  preview?: { listenerArn?: string; ruleArn?: string };
  /** When false, wait for a human `promote` before switching. Default true. */
  autoPromote?: boolean;
  scaleDownDelay?: DurationString;
  /** A gate before the switch: people approve the new colour before it takes traffic. */
  approval?: ApprovalGate;
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

export type Step = SetWeightStep | PauseStep | AnalysisStep | JobStep | HttpStep | ApprovalStep;
export interface SetWeightStep { setWeight: number }
export interface PauseStep { pause: { duration?: DurationString } }
export interface AnalysisStep { analysis: { duration: DurationString; conditions?: string[] } }
export interface ApprovalStep { approval: ApprovalGate }
/** A one-off task on the new revision (a smoke test); a failure reverts. */
export interface JobStep { job: NamedJob }
/** An HTTP check that must pass before the next step; a failure reverts. */
export interface HttpStep { http: HttpStepCheck }

/**
 * A one-off ECS task (RunTask) on the revision being rolled out, launched like the Release's
 * service (cluster, launch type or capacity providers, network, platform version).
 */
export interface JobSpec {
  /** The container whose command and environment are overridden. */
  container: string;
  command?: string[];
  environment?: Record<string, string>;
  /** Stopped (StopTask) and failed past this. Default 10m. */
  timeout?: DurationString;
  /** The container exit code that counts as success. Default 0. */
  successExitCode?: number;
}

export interface NamedJob extends JobSpec {
  name: string;
}

export interface HookJob {
  name: string;
  job: JobSpec;
}

export interface HooksSpec {
  /** Before the new revision starts (migrations); success is recorded per revision. */
  preDeploy?: HookJob[];
  /** After promotion; a failure is reported and never reverts. */
  postPromote?: HookJob[];
}

export interface HttpStepCheck extends HttpCheck {
  name: string;
  /** How long wrong answers may last before the rollout reverts. Default 0s: the first one reverts. */
  failFor?: DurationString;
}

/** Holds the rollout until enough distinct people approve the revision (`keelson approve`). */
export interface ApprovalGate {
  /** Distinct people who must approve. Default 1. */
  required?: number;
  /** Only members of this group (keelson.yaml `approvers`) count. */
  group?: string;
  /** An approval older than this no longer counts. Default: never expires. */
  expiresAfter?: DurationString;
}

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

/** A threshold with its unit (`400ms`, `5%`), or a bare number where the unit is implied. */
export type MetricThreshold = number | string;

export interface MetricCheck {
  /** A metric keelson knows how to query for the new colour's target group. */
  builtin?: BuiltinMetric;
  /** A raw CloudWatch query (metric math allowed); the query with returnData true is the value. */
  cloudwatch?: { queries: MetricQuery[] };
  /**
   * Failing when the value is above max. In the metric's unit (src/api/quantity.ts): `400ms` or
   * `1.5s` for a latency, `5%` (or a bare 5) for errorRate, a bare number for cloudwatch.
   */
  max?: MetricThreshold;
  /** Failing when the value is below min, in the metric's unit as max. */
  min?: MetricThreshold;
  /** Failing when the value exceeds the stable colour's by more than this, in the metric's unit. */
  maxIncrease?: MetricThreshold;
  /** Failing when the value exceeds the stable colour's by more than this percentage. */
  maxIncreasePercent?: number;
  /** Period the value is computed over. Default 1m. */
  window?: DurationString;
  /**
   * How late CloudWatch may show a period's datapoint after the period ends. keelson queries this
   * much further back than the window and judges the newest published period. Default 3m.
   */
  publicationDelay?: DurationString;
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
  /** An error retrying cannot fix (access denied, invalid, a named resource missing): no AWS writes. */
  | 'Stalled'
  | 'Invalid'
  | 'Orphaned';

export type ConditionType = 'Ready' | 'Progressing' | 'Paused' | 'SourceReady' | 'Drifted' | 'Reconciling' | 'Stalled' | 'ObservationIncomplete';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface StatusCondition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** ISO 8601; moves only when status changes. */
  lastTransitionTime: string;
}

/**
 * Passing: measured and within its threshold. Breaching: measured outside it, for less than its
 * failFor. Failing: outside it for at least failFor (a rollout reverts). Unknown: no data.
 */
export type HealthState = 'Passing' | 'Breaching' | 'Failing' | 'Unknown';

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
  /** ISO 8601, metric conditions: start of the oldest period the last check judged. */
  dataFrom?: string;
  /**
   * Relative metric conditions: the stable colour's figure compared against, as last measured
   * while the stable colour took traffic (kept through 100% and the bake).
   */
  baseline?: { value: number; at: string } | null;
}

export type RolloutResult = 'Promoted' | 'Reverted' | 'Aborted' | 'Superseded';

/** Refused: the revision never started, it failed a check before any write. */
export type HistoryResult = RolloutResult | 'Refused';

export interface HistoryEntry {
  revision: string;
  fromRevision?: string | null;
  result: HistoryResult;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  digests?: ImageDigest[];
  /** spec.promotion's evidence when the rollout started. */
  promotion?: PromotionEvidence;
  /** The rollout restarted the stable revision: who asked, and when. */
  restart?: RestartRequest;
}

/** A container's image and its digest: pinned in the image, resolved from its tag, or not resolved. */
export interface ImageDigest {
  container: string;
  image: string;
  digest: string | null;
  source?: 'pinned' | 'ecr' | 'unresolved';
  /** Why digest is null, as an error code: NotEcr, or the lookup's (NotFound, Throttled, ...). */
  code?: string;
  /** Why digest is null: the error code and what failed. */
  problem?: string;
}

export interface RevisionDigests {
  revision: string;
  images: ImageDigest[];
  resolvedAt: string;
}

export interface PromotionEvidence {
  release: string;
  revision?: string | null;
  digests: string[];
  stableSince: string;
  checkedAt: string;
}

export type PromotionState = 'Waiting' | 'Unknown' | 'Met' | 'Exempt';

export interface PromotionStatus {
  from: string;
  revision: string;
  state: PromotionState;
  message: string;
  evidence?: PromotionEvidence;
}

export interface PlaintextFinding {
  container: string;
  /** The variable's name; its value is never recorded. */
  name: string;
  /** `name:PASSWORD`, `value:aws-access-key-id`, ... */
  rule: string;
}

export interface PlaintextCheck {
  revision: string;
  generation?: number;
  refused: PlaintextFinding[];
  allowed: PlaintextFinding[];
}

/** Why a revision was reverted: enough for a person to act without digging. */
export interface RevertEvidence {
  revision: string;
  condition: string;
  value?: number | null;
  threshold?: string;
  /** A metric condition's window (the period its value is computed over); absent for other conditions. */
  window?: DurationString;
  /** How long the condition kept failing before the revert (for progressDeadline, the deadline). */
  failFor?: DurationString;
  failingSince?: string;
  revertedAt: string;
  stoppedTasks?: StoppedTaskEvidence[];
  /** The job or http step that failed. */
  job?: JobRun;
}

/** A stopped task of the reverted revision, with ECS's reasons for the task and its containers. */
export interface StoppedTaskEvidence {
  taskArn: string;
  stoppedReason?: string;
  exitCode?: number | null;
  /** Containers that stopped with a reason or a non-zero exit code (`OutOfMemoryError: …`). */
  containers?: { name: string; reason?: string; exitCode?: number | null }[];
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
  /** The controller's durable progress through the rollout in flight; null when none is. */
  rollout?: RolloutProgress | null;
  /** After a promotion, the old colour kept running until scaleDownAt for an instant rollback. */
  warmColour?: WarmColour | null;
  /** Highest operation (promote/abort/retry) sequence number already applied. */
  lastOperationSeq?: number;
  /** The desired revision's image digests, resolved once per revision. */
  digests?: RevisionDigests | null;
  stableDigests?: ImageDigest[] | null;
  /** Since when the stable revision has been stable and Healthy with no rollout in flight. */
  stableSince?: string | null;
  promotion?: PromotionStatus | null;
  plaintext?: PlaintextCheck | null;
  /** The deployment schedule as last evaluated; absent when the Release has none. */
  window?: WindowStatus | null;
  /** ISO 8601: when keelson last started a restart of the stable revision. */
  restartedAt?: string | null;
  /** A restart asked for and not started yet. */
  restart?: RestartRequest | null;
  /** Jobs and http steps of recent revisions, newest first (bounded). */
  jobs?: JobRun[];
  /** Approvals of the desired revision, and the gate waiting for them. */
  approvals?: ApprovalsStatus | null;
  /** The Release's audit history, newest last, bounded (DEFAULTS.auditLimit entries). */
  audit?: AuditLog;
}

export type WindowClosedBy = 'outsideWindow' | 'blackout' | 'freeze';

export interface WindowStatus {
  state: 'open' | 'closed';
  closedBy?: WindowClosedBy | null;
  message: string;
  /** Closed: when a rollout may next move; null: not within a year. */
  nextOpenAt?: string | null;
  /** Open: when it next closes; null: not within a year. */
  closesAt?: string | null;
  /** A rollout, or its start, is held by the closed window now. */
  holding?: boolean;
  /** A person's promote that lets one revision move while the window is closed. */
  override?: { revision: string; by: string; at: string } | null;
}

export interface RestartRequest {
  /** spec.restartAt, or when keelson restart was asked for. */
  requestedAt: string;
  /** Who asked (keelson restart). */
  requestedBy?: string;
  /** The restarted service's ECS deployments before the new one was asked for. */
  deployments?: string[];
  /** When the new deployment was asked for. */
  deployedAt?: string | null;
}

export type JobHook = 'preDeploy' | 'step' | 'postPromote';
export type JobState = 'Starting' | 'Running' | 'Succeeded' | 'Failed';

/** One run of a job (or one http step): what ran, its task, how it ended, where its logs are. */
export interface JobRun {
  name: string;
  hook: JobHook;
  kind: 'job' | 'http';
  revision: string;
  /** The rollout it ran in: steps run again in every rollout, preDeploy once per revision. */
  rolloutStartedAt?: string;
  attempt: number;
  /** RunTask's idempotency token: a RunTask repeated after a crash finds the same task. */
  clientToken?: string;
  taskArn?: string | null;
  state: JobState;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number | null;
  stoppedReason?: string;
  timedOut?: boolean;
  /** A retry asked for the jobs to run again: this success no longer counts. */
  rerun?: boolean;
  /** awslogs: group and stream `<awslogs-stream-prefix>/<container>/<task id>`. */
  log?: { group: string; stream: string; region?: string };
  /** http: the last answer's status. */
  statusCode?: number | null;
  /** http: when the current run of wrong answers began. */
  failingSince?: string;
  message?: string;
}

export interface ApprovalsStatus {
  /** The revision these approvals are for: a new revision needs new approvals. */
  revision: string;
  granted: ApprovalRecord[];
  /** Approvals that did not count, newest first (bounded): who, when and why. */
  refused?: RefusedApproval[];
  /** The gate the rollout waits at, while it waits. */
  waiting?: ApprovalWait | null;
}

export interface ApprovalRecord {
  by: string;
  /** ISO 8601. */
  at: string;
  /** The approver's OIDC groups that keelson.yaml approvers name (`group:NAME`): membership through them counts. */
  groups?: string[];
}

export interface RefusedApproval {
  by: string;
  at: string;
  /** The revision the person approved, when it was not the desired one. */
  revision?: string | null;
  reason: string;
}

export interface ApprovalWait {
  required: number;
  /** Distinct, unexpired approvals that count for this gate. */
  received: number;
  group?: string | null;
  /** Who counted so far. */
  approvers: string[];
}

export interface AuditLog {
  /** Sequence number of the newest entry ever written; entries keep their number as old ones drop off. */
  seq: number;
  /** The spec generation last recorded as a SpecChanged entry. */
  generation?: number;
  entries: AuditEntry[];
}

/** One thing that happened to a Release: who did what, when, to which revision, from which source revision. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601. */
  at: string;
  /** A person, or `keelson` for the controller's own decisions. */
  by: string;
  /** SpecChanged, an operation (promote, abort, retry, approve), or a rollout event type. */
  what: string;
  /** The revision the entry is about; for a rollout event, where traffic goes (on a revert, back to stable). */
  revision?: string | null;
  /** Rollout events: where traffic comes from (on a revert, the revision that failed). */
  fromRevision?: string | null;
  sourceRevision?: string | null;
  detail: string;
  /** Reverts: the failed condition, its value, threshold and times. */
  evidence?: RevertEvidence;
  /** Operations and approvals: how `by` was authenticated (a token, an OIDC JWT, or `local`: the CLI against the state store). */
  via?: 'token' | 'oidc' | 'local';
}

export interface WarmColour {
  /** The colour that served before the last promotion. */
  colour: Colour;
  /** The revision it still runs: the previous stable one, where a rollback can switch at once. */
  revision: string;
  /** It is scaled down after this time. */
  scaleDownAt: string;
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
  /** When the current wait on the cloud began: progressDeadline counts from here. */
  cloudWaitSince?: string | null;
  promoteFull?: boolean;
  /** Set when the rollout is being wound back (revert, abort, superseded by a newer revision). */
  result?: RolloutResult | null;
  /** Route53: the change that carries the last weights, and when it was first seen INSYNC. */
  trafficChangeId?: string | null;
  trafficInSyncAt?: string | null;
  /** Switched straight back to a warm colour, without the steps. */
  fast?: boolean;
  /** The rollout restarts the stable revision. */
  restart?: RestartRequest | null;
  /** When the last approval gate of this rollout passed: later gates count only approvals given since. */
  approvedAt?: string | null;
}
