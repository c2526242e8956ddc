// Generated from schemas/release.schema.json by `npm run gen:types`; do not edit.
// src/api/types.ts is the hand-written API; test/unit/api/types-match-schema.test.ts keeps both in step.

export type Step =
  | {
      /**
       * Percent of traffic sent to the new colour, 0 to 100; keelson reads the weights back before moving on.
       */
      setWeight: number;
    }
  | {
      /**
       * Wait; without a duration, wait for a person to run promote.
       */
      pause: {
        /**
         * How long to wait before the next step.
         */
        duration?: string;
      };
    }
  | {
      /**
       * Hold at the current weight while health must stay green.
       */
      analysis: {
        /**
         * How long health must stay green.
         */
        duration: string;
        /**
         * Names of the spec.health conditions to watch here. Default: all of them.
         *
         * @minItems 1
         */
        conditions?: string[];
      };
    }
  | {
      job: NamedJob;
    }
  | {
      http: HttpStep;
    }
  | {
      approval: ApprovalGate1;
    };
/**
 * The command to run instead of the container's own, e.g. [alembic, upgrade, head].
 *
 * @minItems 1
 */
export type Command = string[];
export type HealthCondition =
  | {
      /**
       * Name of the condition, unique in the Release; shown in status and used by analysis steps.
       */
      name: string;
      /**
       * How long the condition must fail continuously before it counts. Default: one health interval.
       */
      failFor?: string;
      http: HttpCheck;
    }
  | {
      /**
       * Name of the condition, unique in the Release; shown in status and used by analysis steps.
       */
      name: string;
      /**
       * How long the condition must fail continuously before it counts. Default: one health interval.
       */
      failFor?: string;
      targetHealth: TargetHealthCheck;
    }
  | {
      /**
       * Name of the condition, unique in the Release; shown in status and used by analysis steps.
       */
      name: string;
      /**
       * How long the condition must fail continuously before it counts. Default: one health interval.
       */
      failFor?: string;
      metric: MetricCheck;
    }
  | {
      /**
       * Name of the condition, unique in the Release; shown in status and used by analysis steps.
       */
      name: string;
      /**
       * How long the condition must fail continuously before it counts. Default: one health interval.
       */
      failFor?: string;
      alarm: AlarmCheck;
    };
/**
 * A CloudWatch metric of the new colour against a threshold or against the stable colour.
 */
export type MetricCheck = {
  /**
   * A metric keelson queries for the new colour's target group: errorRate (percent of requests answered 5xx; thresholds such as 5%), latencyP95 or latencyP99 (thresholds with their unit, such as 400ms or 1.5s).
   */
  builtin?: "errorRate" | "latencyP95" | "latencyP99";
  /**
   * A raw CloudWatch query (metric math allowed); the one query with returnData true is the value.
   */
  cloudwatch?: {
    /**
     * GetMetricData queries; exactly one must return data.
     *
     * @minItems 1
     */
    queries: MetricQuery[];
  };
  /**
   * Failing when the value is above max. In the metric's unit: 400ms or 1.5s for a latency, 5% for errorRate, a bare number for cloudwatch.
   */
  max?: number | string;
  /**
   * Failing when the value is below min. In the metric's unit, as max.
   */
  min?: number | string;
  /**
   * Failing when the value exceeds the stable colour's by more than this, in the metric's unit: 50ms for a latency, 0.5% (points) for errorRate.
   */
  maxIncrease?: number | string;
  /**
   * Failing when the value exceeds the stable colour's by more than this percentage.
   */
  maxIncreasePercent?: number;
  /**
   * Period the value is computed over.
   */
  window?: string;
  /**
   * How late CloudWatch may show a period's datapoint after the period ends. keelson queries this much further back than the window and judges the newest published period; data older than that is no data.
   */
  publicationDelay?: string;
};
/**
 * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
 */
export type Timestamp = string;

/**
 * A keelson Release (keelson.dev/v1alpha1): what should run on an ECS service and how keelson moves traffic to it. See docs/release-api.md.
 */
export interface Release {
  /**
   * Version of the Release API; always keelson.dev/v1alpha1.
   */
  apiVersion: "keelson.dev/v1alpha1";
  /**
   * Always Release.
   */
  kind: "Release";
  metadata: ReleaseMetadata;
  spec: ReleaseSpec;
  status?: ReleaseStatus;
}
/**
 * Name, labels and annotations of the Release.
 */
export interface ReleaseMetadata {
  /**
   * Name of the Release: a DNS label, unique within its source (Git path, table or folder).
   */
  name: string;
  /**
   * Key/value pairs for selecting Releases, e.g. team: platform.
   */
  labels?: {
    [k: string]: string;
  };
  /**
   * Free-form notes for people and tools, e.g. the owning team's channel.
   */
  annotations?: {
    [k: string]: string;
  };
}
/**
 * What should run and how keelson gets it there; people edit this.
 */
export interface ReleaseSpec {
  /**
   * The ECS cluster of the Release's services: a name or a cluster ARN.
   */
  cluster: string;
  /**
   * AWS region of the cluster, e.g. us-east-1. Default: the controller's region. ARNs in the Release must be in this region.
   */
  region?: string;
  /**
   * What should run: the field people edit to deploy. Exactly one of taskDefinition or image.
   */
  revision:
    | {
        /**
         * A registered task definition: family:revision (e.g. aep-backend-prod:12) or its ARN.
         */
        taskDefinition: string;
      }
    | {
        image: ImageRevision;
      };
  /**
   * Desired task count of the serving service. Omit when Application Auto Scaling owns desiredCount.
   */
  replicas?: number;
  /**
   * How the new revision replaces the old: exactly one of rolling, canary or blueGreen.
   */
  strategy:
    | {
        rolling: RollingStrategy;
      }
    | {
        canary: CanaryStrategy;
      }
    | {
        blueGreen: BlueGreenStrategy;
      };
  health?: Health;
  rollback?: Rollback;
  /**
   * A rollout whose tasks never become stable within this time fails and is reverted.
   */
  progressDeadline?: string;
  promotion?: Promotion;
  schedule?: Schedule;
  /**
   * Roll the stable revision again through the strategy (new tasks, e.g. after a secret rotation) once this time has come, if it is later than the last restart.
   */
  restartAt?: string;
  hooks?: Hooks;
}
/**
 * A new image for one container; keelson registers a revision derived from the stable one.
 */
export interface ImageRevision {
  /**
   * Container in the stable task definition whose image is replaced.
   */
  container: string;
  /**
   * Image URI, preferably pinned by digest (repo@sha256:<64 hex>).
   */
  uri: string;
}
/**
 * One service; ECS replaces its tasks, keelson watches health and reverts the service.
 */
export interface RollingStrategy {
  /**
   * The ECS service that runs the Release.
   */
  service: string;
  approval?: ApprovalGate;
}
/**
 * A gate before the new revision starts: people approve it first.
 */
export interface ApprovalGate {
  /**
   * Distinct people who must approve.
   */
  required?: number;
  /**
   * Only members of this group (keelson.yaml approvers) count.
   */
  group?: string;
  /**
   * An approval older than this no longer counts. Default: never expires.
   */
  expiresAfter?: string;
}
/**
 * Two services (blue and green); traffic moves to the new colour step by step.
 */
export interface CanaryStrategy {
  services: ColourServices;
  /**
   * Where traffic weights are set: exactly one of alb or route53.
   */
  traffic:
    | {
        alb: AlbTraffic;
      }
    | {
        route53: Route53Traffic;
      };
  /**
   * Steps run in order: setWeight, pause, analysis and approval. The last setWeight must be 100.
   *
   * @minItems 1
   */
  steps: Step[];
  /**
   * Keep the old colour running this long after promotion, for instant rollback.
   */
  scaleDownDelay?: string;
}
/**
 * The two ECS services, one per colour; the one not serving the stable revision receives the new one.
 */
export interface ColourServices {
  /**
   * ECS service of the blue colour.
   */
  blue: string;
  /**
   * ECS service of the green colour; must differ from blue.
   */
  green: string;
}
/**
 * Weights on an Application Load Balancer forward action.
 */
export interface AlbTraffic {
  /**
   * The listener whose default action forwards to both target groups (exactly one of listenerArn, ruleArn).
   */
  listenerArn?: string;
  /**
   * A listener rule whose forward action carries the weights (exactly one of listenerArn, ruleArn).
   */
  ruleArn?: string;
  /**
   * The target group of each colour's service.
   */
  targetGroups: {
    /**
     * Target group of the blue service.
     */
    blue: string;
    /**
     * Target group of the green service; must differ from blue.
     */
    green: string;
  };
}
/**
 * Weights on two Route53 weighted records, one per colour.
 */
export interface Route53Traffic {
  /**
   * The hosted zone holding the records, e.g. Z0123456789ABCDEFGHIJ.
   */
  hostedZoneId: string;
  /**
   * The record name both weighted records share, e.g. app.example.org.
   */
  recordName: string;
  /**
   * The record type of both weighted records.
   */
  recordType: "A" | "AAAA" | "CNAME";
  /**
   * The SetIdentifier of each colour's weighted record.
   */
  setIdentifiers: {
    /**
     * SetIdentifier of the record pointing at the blue colour.
     */
    blue: string;
    /**
     * SetIdentifier of the record pointing at the green colour; must differ from blue.
     */
    green: string;
  };
}
/**
 * Run a one-off task on the new revision here (a smoke test, say); a failure reverts like a failed analysis.
 */
export interface NamedJob {
  /**
   * The job's name, shown in status, events and history.
   */
  name: string;
  /**
   * The container of the revision's task definition whose command and environment are overridden.
   */
  container: string;
  command?: Command;
  environment?: Environment;
  /**
   * A job still running after this long is stopped (StopTask) and counts as failed.
   */
  timeout?: string;
  /**
   * The exit code of the container that counts as success.
   */
  successExitCode?: number;
}
/**
 * Environment variables added to the container's own (plain values: secrets belong in the task definition's secrets).
 */
export interface Environment {
  [k: string]: string;
}
/**
 * An HTTP check that must pass here before the next step; a failing answer reverts.
 */
export interface HttpStep {
  /**
   * The check's name, shown in status and in the revert evidence.
   */
  name: string;
  /**
   * The URL to GET, e.g. https://aep.example.com/health/ready.
   */
  url: string;
  /**
   * The HTTP status a healthy answer has.
   */
  expectStatus?: number;
  jsonField?: JsonField;
  /**
   * A request taking longer than this fails; must be shorter than the health interval.
   */
  timeout?: string;
  /**
   * How long the check may keep answering wrong before the rollout reverts; 0s: the first wrong answer reverts.
   */
  failFor?: string;
}
/**
 * Also require a field of the JSON body to equal a value, e.g. {path: ok, equals: true}.
 */
export interface JsonField {
  /**
   * Dotted path of the field in the JSON body, e.g. ok or checks.0.ok.
   */
  path: string;
  /**
   * The value the field must have.
   */
  equals: string | number | boolean;
}
/**
 * Holds the rollout until enough distinct people approve the revision (keelson approve).
 */
export interface ApprovalGate1 {
  /**
   * Distinct people who must approve.
   */
  required?: number;
  /**
   * Only members of this group (keelson.yaml approvers) count.
   */
  group?: string;
  /**
   * An approval older than this no longer counts. Default: never expires.
   */
  expiresAfter?: string;
}
/**
 * Two services (blue and green); the new colour comes up fully, then takes all traffic at once.
 */
export interface BlueGreenStrategy {
  services: ColourServices;
  /**
   * Where traffic is switched: exactly one of alb or route53.
   */
  traffic:
    | {
        alb: AlbTraffic;
      }
    | {
        route53: Route53Traffic;
      };
  /**
   * Analysis of the new colour before it takes traffic (through the preview listener or rule, if any).
   */
  prePromotionAnalysis?: {
    /**
     * How long health must stay green before the switch.
     */
    duration: string;
    /**
     * Names of the spec.health conditions judged before the switch. Default: all of them except metric conditions, which need traffic the new colour does not take yet (they are judged in the bake).
     *
     * @minItems 1
     */
    conditions?: string[];
  };
  /**
   * A listener or rule that always forwards to the new colour, for testing it before the switch: exactly one of listenerArn or ruleArn.
   */
  preview?: {
    /**
     * A test listener whose default action keelson points at the new colour.
     */
    listenerArn?: string;
    /**
     * A listener rule keelson points at the new colour.
     */
    ruleArn?: string;
  };
  /**
   * When false, keelson waits for a person to run promote before switching.
   */
  autoPromote?: boolean;
  /**
   * Keep the old colour running this long after the switch, for instant rollback.
   */
  scaleDownDelay?: string;
  approval?: ApprovalGate2;
}
/**
 * Holds the rollout until enough distinct people approve the revision (keelson approve).
 */
export interface ApprovalGate2 {
  /**
   * Distinct people who must approve.
   */
  required?: number;
  /**
   * Only members of this group (keelson.yaml approvers) count.
   */
  group?: string;
  /**
   * An approval older than this no longer counts. Default: never expires.
   */
  expiresAfter?: string;
}
/**
 * Conditions watched during and after a rollout; a failing condition reverts it.
 */
export interface Health {
  /**
   * How often every condition is measured.
   */
  interval?: string;
  /**
   * What must stay true; each with a name and exactly one of http, targetHealth, metric or alarm.
   */
  conditions?: HealthCondition[];
}
/**
 * An HTTP GET that must answer with the expected status.
 */
export interface HttpCheck {
  /**
   * The URL to GET, e.g. https://aep.example.com/health/ready.
   */
  url: string;
  /**
   * The HTTP status a healthy answer has.
   */
  expectStatus?: number;
  /**
   * Also require a field of the JSON body to equal a value, e.g. {path: ok, equals: true}.
   */
  jsonField?: {
    /**
     * Dotted path of the field in the JSON body, e.g. ok or checks.0.ok.
     */
    path: string;
    /**
     * The value the field must have.
     */
    equals: string | number | boolean;
  };
  /**
   * A request taking longer than this fails; must be shorter than the health interval.
   */
  timeout?: string;
}
/**
 * Health of the new colour's targets in its target group.
 */
export interface TargetHealthCheck {
  /**
   * Most unhealthy targets tolerated in the new colour's target group.
   */
  maxUnhealthy?: number;
}
export interface MetricQuery {
  /**
   * Query id, referenced by expressions: starts with a lowercase letter, then letters, digits and '_'.
   */
  id: string;
  /**
   * A metric math expression over other queries' ids (exactly one of expression, metricStat).
   */
  expression?: string;
  /**
   * A metric and statistic (exactly one of expression, metricStat).
   */
  metricStat?: {
    /**
     * CloudWatch namespace, e.g. AWS/ApplicationELB.
     */
    namespace: string;
    /**
     * Metric name, e.g. HTTPCode_Target_5XX_Count.
     */
    metricName: string;
    /**
     * Dimension values; ${targetGroup} and ${loadBalancer} stand for the colour being measured.
     */
    dimensions?: {
      [k: string]: string;
    };
    /**
     * Statistic, e.g. Sum, Average, p95.
     */
    stat: string;
  };
  /**
   * Whether this query's value is the result; CloudWatch's default is true.
   */
  returnData?: boolean;
}
/**
 * A CloudWatch alarm; in ALARM state means failing.
 */
export interface AlarmCheck {
  /**
   * Name of the CloudWatch alarm, e.g. aep-backend-5xx.
   */
  name: string;
}
/**
 * Whether and how long keelson reverts on its own.
 */
export interface Rollback {
  /**
   * Revert on its own when a condition fails; when false, a failing condition is reported and a person decides.
   */
  auto?: boolean;
  /**
   * After 100%, keep watching health this long; a failure then still reverts.
   */
  bakeTime?: string;
}
/**
 * Promotion by digest: the revision's images must first have been stable and Healthy in another Release for a given time.
 */
export interface Promotion {
  /**
   * The Release (reconciled by this controller, from any of its sources) whose stable revision must have run these image digests.
   */
  from: {
    /**
     * Name of the other Release, e.g. api-staging.
     */
    release: string;
    /**
     * How long the other Release must have served these digests as its stable revision, Healthy, up to now.
     */
    stableFor: string;
  };
}
/**
 * When a rollout may move traffic forward: allowed windows, blackouts and dated freezes. Default: from the source's defaults in keelson.yaml, else always.
 */
export interface Schedule {
  /**
   * IANA time zone of the entries that name none, e.g. Europe/Berlin. Default UTC.
   */
  timeZone?: string;
  /**
   * Allowed windows: a rollout starts and moves traffic forward only inside one of them. None listed: always allowed (blackouts and freezes still apply).
   *
   * @maxItems 50
   */
  windows?: RecurringPeriod[];
  /**
   * Recurring periods in which no rollout starts or moves traffic forward, even inside a window.
   *
   * @maxItems 50
   */
  blackouts?: RecurringPeriod[];
  /**
   * Dated periods in which no rollout starts or moves traffic forward (holidays, incidents).
   *
   * @maxItems 200
   */
  freezes?: Freeze[];
}
export interface RecurringPeriod {
  /**
   * When each period opens: a cron expression (minute hour day-of-month month day-of-week), e.g. 0 9 * * 1-4.
   */
  cron: string;
  /**
   * How long each period lasts from its opening, e.g. 8h.
   */
  duration: string;
  /**
   * IANA time zone the cron expression is read in. Default: the schedule's timeZone.
   */
  timeZone?: string;
  /**
   * Shown in status while the period holds a rollout.
   */
  reason?: string;
}
export interface Freeze {
  /**
   * When the freeze begins.
   */
  from: string;
  /**
   * When it ends; later than from.
   */
  to: string;
  /**
   * Shown in status while the freeze holds a rollout, e.g. Christmas.
   */
  reason?: string;
}
/**
 * One-off ECS tasks run around a rollout: preDeploy before the new revision starts (migrations), postPromote after it is promoted.
 */
export interface Hooks {
  /**
   * Run in order before the new revision starts (runbook 000 section 4: migrations before code). Success is recorded per revision; a failure blocks the revision with nothing started and no traffic moved.
   *
   * @minItems 1
   */
  preDeploy?: HookJob[];
  /**
   * Run in order after the revision is promoted (cache warm-up, notifications). A failure is reported; it never reverts.
   *
   * @minItems 1
   */
  postPromote?: HookJob[];
}
export interface HookJob {
  /**
   * The job's name, shown in status, events and history; unique among the hooks.
   */
  name: string;
  job: Job;
}
/**
 * The one-off task to run.
 */
export interface Job {
  /**
   * The container of the revision's task definition whose command and environment are overridden.
   */
  container: string;
  /**
   * The command to run instead of the container's own, e.g. [alembic, upgrade, head].
   *
   * @minItems 1
   */
  command?: string[];
  /**
   * Environment variables added to the container's own (plain values: secrets belong in the task definition's secrets).
   */
  environment?: {
    [k: string]: string;
  };
  /**
   * A job still running after this long is stopped (StopTask) and counts as failed.
   */
  timeout?: string;
  /**
   * The exit code of the container that counts as success.
   */
  successExitCode?: number;
}
/**
 * What keelson observed and did; written by the controller, never by people.
 */
export interface ReleaseStatus {
  /**
   * The spec generation this status is about.
   */
  observedGeneration?: number;
  /**
   * Pending, Progressing, Paused, Healthy, Degraded (reverted), Aborted, Stalled (an error retrying cannot fix; no AWS writes), Invalid (manifest rejected) or Orphaned (gone from its source).
   */
  phase: "Pending" | "Progressing" | "Paused" | "Healthy" | "Degraded" | "Aborted" | "Stalled" | "Invalid" | "Orphaned";
  /**
   * What keelson is doing or waiting for, in a sentence.
   */
  message?: string;
  /**
   * The Git commit or DynamoDB item version the spec came from.
   */
  sourceRevision?: string;
  /**
   * The revision serving traffic.
   */
  stableRevision?: string | null;
  /**
   * The revision the spec asks for.
   */
  desiredRevision?: string | null;
  /**
   * A revision that failed; not retried until the spec changes or someone runs retry.
   */
  blockedRevision?: string | null;
  /**
   * Index of the canary step in progress.
   */
  currentStepIndex?: number | null;
  /**
   * Percent of traffic on each colour, as last read back.
   */
  weights?: {
    /**
     * Percent on blue.
     */
    blue: number;
    /**
     * Percent on green.
     */
    green: number;
  } | null;
  /**
   * The colour serving the stable revision (canary and blueGreen).
   */
  stableColour?: "blue" | "green" | null;
  /**
   * Ready, Progressing, Paused, SourceReady, Drifted, Reconciling, Stalled and ObservationIncomplete, Kubernetes style.
   */
  conditions?: StatusCondition[];
  /**
   * The last assessment of each health condition.
   */
  health?: ConditionHealth[];
  /**
   * Finished rollouts, newest last; bounded.
   */
  history?: HistoryEntry[];
  /**
   * Why the last revert happened.
   */
  lastRevert?: RevertEvidence | null;
  /**
   * The controller's durable progress through the rollout in flight; null when none is.
   */
  rollout?: RolloutProgress | null;
  /**
   * After a promotion, the old colour kept running until scaleDownAt for an instant rollback.
   */
  warmColour?: WarmColour | null;
  /**
   * Highest operation (promote, abort, retry) sequence number already applied.
   */
  lastOperationSeq?: number;
  /**
   * The image digests of the desired revision, resolved once per revision.
   */
  digests?: {
    /**
     * The revision the digests are of.
     */
    revision: string;
    /**
     * One entry per container.
     */
    images: ImageDigest[];
    /**
     * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
     */
    resolvedAt: string;
  } | null;
  /**
   * The image digests of the stable revision.
   */
  stableDigests?: ImageDigest[] | null;
  /**
   * Since when the stable revision has been stable and Healthy with no rollout in flight; null while it is not (a rollout, a revert, a stall).
   */
  stableSince?: Timestamp | null;
  /**
   * spec.promotion's check of the desired revision: Waiting (not proven yet), Unknown (the other Release could not be read), Met (with the evidence) or Exempt (a revision this Release served as stable before: going back to it is a rollback).
   */
  promotion?: {
    /**
     * The other Release.
     */
    from: string;
    /**
     * The revision checked.
     */
    revision: string;
    /**
     * Waiting, Unknown, Met or Exempt.
     */
    state: "Waiting" | "Unknown" | "Met" | "Exempt";
    /**
     * What was found, in a sentence.
     */
    message: string;
    evidence?: PromotionEvidence1;
  } | null;
  /**
   * The plaintext-secret check of the desired revision's task definition: variable names only, never values.
   */
  plaintext?: {
    /**
     * The revision checked.
     */
    revision: string;
    /**
     * The spec generation that checked it; a newer spec (an allow-list change) checks again.
     */
    generation?: number;
    /**
     * Variables that look like secrets.
     */
    refused: PlaintextFinding[];
    /**
     * Variables that look like secrets, let through by the keelson.dev/allow-plaintext annotation.
     */
    allowed: PlaintextFinding[];
  } | null;
  /**
   * The deployment schedule as last evaluated; absent when the Release has none.
   */
  window?: WindowStatus | null;
  /**
   * When keelson last started a restart of the stable revision.
   */
  restartedAt?: Timestamp | null;
  /**
   * A restart asked for (spec.restartAt or keelson restart) and not started yet.
   */
  restart?: RestartRequest1 | null;
  /**
   * The jobs (hooks and job steps) and http steps run for recent revisions, newest first (bounded): what ran, its task, how it ended and where its logs are.
   */
  jobs?: JobRun1[];
  /**
   * Approvals of the desired revision, and the gate waiting for them.
   */
  approvals?: ApprovalsStatus | null;
  audit?: AuditLog;
}
export interface StatusCondition {
  /**
   * Which condition.
   */
  type:
    | "Ready"
    | "Progressing"
    | "Paused"
    | "SourceReady"
    | "Drifted"
    | "Reconciling"
    | "Stalled"
    | "ObservationIncomplete";
  /**
   * True, False or Unknown.
   */
  status: "True" | "False" | "Unknown";
  /**
   * A CamelCase reason, e.g. RolloutInProgress.
   */
  reason: string;
  /**
   * A sentence for people.
   */
  message: string;
  /**
   * When status last changed.
   */
  lastTransitionTime: string;
}
export interface ConditionHealth {
  /**
   * The health condition's name.
   */
  name: string;
  /**
   * Passing (measured, within its threshold), Breaching (outside it for less than failFor), Failing (outside it for at least failFor) or Unknown (no data).
   */
  state: "Passing" | "Breaching" | "Failing" | "Unknown";
  /**
   * The last measured value.
   */
  value?: number | null;
  /**
   * The threshold in words, e.g. max 5.
   */
  threshold?: string;
  /**
   * What was seen.
   */
  message?: string;
  /**
   * When the current state began.
   */
  since: string;
  /**
   * Start of the current streak of failed checks (before and after failFor elapses).
   */
  badSince?: Timestamp | null;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  checkedAt?: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  dataFrom?: string;
  /**
   * Relative metric conditions: the stable colour's figure compared against, as last measured while the stable colour took traffic (kept through 100% and the bake).
   */
  baseline?: {
    /**
     * The stable colour's value.
     */
    value: number;
    /**
     * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
     */
    at: string;
  } | null;
}
export interface HistoryEntry {
  /**
   * The revision rolled out.
   */
  revision: string;
  /**
   * The revision it replaced.
   */
  fromRevision?: string | null;
  /**
   * Promoted, Reverted, Aborted, Superseded, or Refused (never started: the revision failed a check before any write).
   */
  result: "Promoted" | "Reverted" | "Aborted" | "Superseded" | "Refused";
  /**
   * Why it ended so.
   */
  reason?: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  startedAt: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  finishedAt: string;
  /**
   * The image digests of the revision.
   */
  digests?: ImageDigest[];
  promotion?: PromotionEvidence;
  restart?: RestartRequest;
}
export interface ImageDigest {
  /**
   * The container of the task definition.
   */
  container: string;
  /**
   * Its image as the task definition names it.
   */
  image: string;
  /**
   * sha256:<hex>, pinned in the image or resolved from its tag; null when it could not be resolved.
   */
  digest: string | null;
  /**
   * pinned (the image names its digest), ecr (a tag resolved by ECR DescribeImages) or unresolved.
   */
  source?: "pinned" | "ecr" | "unresolved";
  /**
   * Why the digest is null, as an error code: NotEcr (a tag outside ECR, never looked up), or the lookup's (NotFound, Throttled, AccessDenied...).
   */
  code?: string;
  /**
   * Why the digest is null: the error code and what failed.
   */
  problem?: string;
}
/**
 * spec.promotion's evidence when the rollout started.
 */
export interface PromotionEvidence {
  /**
   * The Release the digests were proven in.
   */
  release: string;
  /**
   * Its stable revision at the time.
   */
  revision?: string | null;
  /**
   * The digests it served.
   */
  digests: string[];
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  stableSince: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  checkedAt: string;
}
/**
 * Set when the rollout was a restart of the stable revision: who asked, and when.
 */
export interface RestartRequest {
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  requestedAt: string;
  /**
   * Who asked (keelson restart); absent for spec.restartAt.
   */
  requestedBy?: string;
  /**
   * The ECS deployments of the restarted service before its new deployment was asked for.
   */
  deployments?: string[];
  /**
   * When the new deployment was asked for.
   */
  deployedAt?: Timestamp | null;
}
export interface RevertEvidence {
  /**
   * The reverted revision.
   */
  revision: string;
  /**
   * The health condition that failed.
   */
  condition: string;
  /**
   * Its observed value.
   */
  value?: number | null;
  /**
   * The threshold it crossed.
   */
  threshold?: string;
  /**
   * A metric condition's window: the period its value was computed over. Absent for other conditions.
   */
  window?: string;
  /**
   * How long the condition had to keep failing before the revert (for progressDeadline, the deadline).
   */
  failFor?: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  failingSince?: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  revertedAt: string;
  /**
   * Tasks of the reverted revision that stopped, with ECS's reasons.
   */
  stoppedTasks?: {
    /**
     * The stopped task.
     */
    taskArn: string;
    /**
     * ECS's stoppedReason.
     */
    stoppedReason?: string;
    /**
     * The essential container's exit code.
     */
    exitCode?: number | null;
    /**
     * The task's containers that stopped with a reason or a non-zero exit code, e.g. OutOfMemoryError: Container killed due to memory usage.
     */
    containers?: {
      /**
       * The container name.
       */
      name: string;
      /**
       * ECS's reason the container stopped.
       */
      reason?: string;
      /**
       * Its exit code.
       */
      exitCode?: number | null;
    }[];
  }[];
  job?: JobRun;
}
/**
 * The job or http step that failed, with its task, exit code, stoppedReason and log location.
 */
export interface JobRun {
  /**
   * The job's or http step's name.
   */
  name: string;
  /**
   * Where it runs: preDeploy, step (a job or http step of the canary steps) or postPromote.
   */
  hook: "preDeploy" | "step" | "postPromote";
  /**
   * job: a one-off ECS task; http: an HTTP check.
   */
  kind: "job" | "http";
  /**
   * The revision it ran for.
   */
  revision: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  rolloutStartedAt?: string;
  /**
   * 1 for the first run of this job on this revision, 2 after a retry that reran it, and so on.
   */
  attempt: number;
  /**
   * The RunTask idempotency token: a second RunTask with it (after a crash) finds the same task rather than starting another.
   */
  clientToken?: string;
  /**
   * The task RunTask started; absent until RunTask answered.
   */
  taskArn?: string | null;
  /**
   * Starting (RunTask asked), Running, Succeeded or Failed.
   */
  state: "Starting" | "Running" | "Succeeded" | "Failed";
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  startedAt: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  finishedAt?: string;
  /**
   * The container's exit code.
   */
  exitCode?: number | null;
  /**
   * ECS's stoppedReason for the task.
   */
  stoppedReason?: string;
  /**
   * It ran past its timeout and keelson stopped it (StopTask).
   */
  timedOut?: boolean;
  /**
   * A retry asked for the revision's jobs to run again (retry --rerun-jobs): this success no longer counts.
   */
  rerun?: boolean;
  /**
   * Where the container's logs are (awslogs): group and stream <awslogs-stream-prefix>/<container>/<task id>.
   */
  log?: {
    /**
     * The CloudWatch Logs log group.
     */
    group: string;
    /**
     * The log stream.
     */
    stream: string;
    /**
     * The log group's region, when the task definition names one.
     */
    region?: string;
  };
  /**
   * http: the status of the last answer.
   */
  statusCode?: number | null;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  failingSince?: string;
  /**
   * What was seen, in a sentence.
   */
  message?: string;
}
export interface RolloutProgress {
  /**
   * The revision being rolled out.
   */
  revision: string;
  /**
   * The revision it replaces.
   */
  fromRevision?: string | null;
  /**
   * The colour receiving the new revision.
   */
  colour?: "blue" | "green" | null;
  /**
   * The spec generation the rollout serves.
   */
  generation: number;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  startedAt: string;
  /**
   * The step in progress.
   */
  stepIndex: number;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  stepStartedAt: string;
  /**
   * When the step's weights were written and read back.
   */
  stepReachedAt?: Timestamp | null;
  /**
   * When the current wait on the cloud (tasks, targets, weights read back) began: progressDeadline counts from here, not from time spent waiting on data, a timer or a person.
   */
  cloudWaitSince?: Timestamp | null;
  /**
   * A person asked to skip the remaining steps.
   */
  promoteFull?: boolean;
  /**
   * Set while the rollout is wound back: Reverted, Aborted, or Superseded by a newer revision.
   */
  result?: ("Promoted" | "Reverted" | "Aborted" | "Superseded") | null;
  /**
   * Route53: the change that carries the last weights written.
   */
  trafficChangeId?: string | null;
  /**
   * Route53: when that change was first seen INSYNC; resolvers follow one record TTL later.
   */
  trafficInSyncAt?: Timestamp | null;
  /**
   * Switched straight back to a warm colour, without the steps.
   */
  fast?: boolean;
  /**
   * Set when the rollout restarts the stable revision (new tasks of the same task definition).
   */
  restart?: RestartRequest1 | null;
  /**
   * When the last approval gate of this rollout passed.
   */
  approvedAt?: Timestamp | null;
}
export interface RestartRequest1 {
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  requestedAt: string;
  /**
   * Who asked (keelson restart); absent for spec.restartAt.
   */
  requestedBy?: string;
  /**
   * The ECS deployments of the restarted service before its new deployment was asked for.
   */
  deployments?: string[];
  /**
   * When the new deployment was asked for.
   */
  deployedAt?: Timestamp | null;
}
export interface WarmColour {
  /**
   * The colour that served before the last promotion.
   */
  colour: "blue" | "green";
  /**
   * The revision it still runs: the previous stable one, where a rollback can switch at once.
   */
  revision: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  scaleDownAt: string;
}
/**
 * When Met: which Release, which digests, since when.
 */
export interface PromotionEvidence1 {
  /**
   * The Release the digests were proven in.
   */
  release: string;
  /**
   * Its stable revision at the time.
   */
  revision?: string | null;
  /**
   * The digests it served.
   */
  digests: string[];
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  stableSince: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  checkedAt: string;
}
export interface PlaintextFinding {
  /**
   * The container.
   */
  container: string;
  /**
   * The environment variable's name.
   */
  name: string;
  /**
   * The rule it matched, e.g. name:PASSWORD or value:aws-access-key-id.
   */
  rule: string;
}
export interface WindowStatus {
  /**
   * open: a rollout may start and move forward; closed: it waits.
   */
  state: "open" | "closed";
  /**
   * Why it is closed: outsideWindow, blackout or freeze.
   */
  closedBy?: "outsideWindow" | "blackout" | "freeze" | null;
  /**
   * Why, and until when, in a sentence.
   */
  message: string;
  /**
   * Closed: when a rollout may next move (null: not within a year).
   */
  nextOpenAt?: Timestamp | null;
  /**
   * Open: when it next closes (null: not within a year).
   */
  closesAt?: Timestamp | null;
  /**
   * A rollout, or its start, is held by the closed window now.
   */
  holding?: boolean;
  /**
   * A person's promote --override-window that lets one revision move while the window is closed.
   */
  override?: {
    /**
     * The revision the override is for.
     */
    revision: string;
    /**
     * Who asked for it.
     */
    by: string;
    /**
     * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
     */
    at: string;
  } | null;
}
export interface JobRun1 {
  /**
   * The job's or http step's name.
   */
  name: string;
  /**
   * Where it runs: preDeploy, step (a job or http step of the canary steps) or postPromote.
   */
  hook: "preDeploy" | "step" | "postPromote";
  /**
   * job: a one-off ECS task; http: an HTTP check.
   */
  kind: "job" | "http";
  /**
   * The revision it ran for.
   */
  revision: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  rolloutStartedAt?: string;
  /**
   * 1 for the first run of this job on this revision, 2 after a retry that reran it, and so on.
   */
  attempt: number;
  /**
   * The RunTask idempotency token: a second RunTask with it (after a crash) finds the same task rather than starting another.
   */
  clientToken?: string;
  /**
   * The task RunTask started; absent until RunTask answered.
   */
  taskArn?: string | null;
  /**
   * Starting (RunTask asked), Running, Succeeded or Failed.
   */
  state: "Starting" | "Running" | "Succeeded" | "Failed";
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  startedAt: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  finishedAt?: string;
  /**
   * The container's exit code.
   */
  exitCode?: number | null;
  /**
   * ECS's stoppedReason for the task.
   */
  stoppedReason?: string;
  /**
   * It ran past its timeout and keelson stopped it (StopTask).
   */
  timedOut?: boolean;
  /**
   * A retry asked for the revision's jobs to run again (retry --rerun-jobs): this success no longer counts.
   */
  rerun?: boolean;
  /**
   * Where the container's logs are (awslogs): group and stream <awslogs-stream-prefix>/<container>/<task id>.
   */
  log?: {
    /**
     * The CloudWatch Logs log group.
     */
    group: string;
    /**
     * The log stream.
     */
    stream: string;
    /**
     * The log group's region, when the task definition names one.
     */
    region?: string;
  };
  /**
   * http: the status of the last answer.
   */
  statusCode?: number | null;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  failingSince?: string;
  /**
   * What was seen, in a sentence.
   */
  message?: string;
}
export interface ApprovalsStatus {
  /**
   * The revision these approvals are for.
   */
  revision: string;
  /**
   * Who approved, and when.
   */
  granted: ApprovalRecord[];
  /**
   * Approvals that did not count, newest first, with why.
   */
  refused?: RefusedApproval[];
  /**
   * The gate the rollout waits at, while it waits.
   */
  waiting?: ApprovalWait | null;
}
export interface ApprovalRecord {
  /**
   * Who approved.
   */
  by: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  at: string;
  /**
   * The approver's OIDC groups that keelson.yaml approvers name (group:NAME): membership through them counts.
   */
  groups?: string[];
}
export interface RefusedApproval {
  /**
   * Who approved.
   */
  by: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  at: string;
  /**
   * The revision approved, when not the desired one.
   */
  revision?: string | null;
  /**
   * Why it does not count.
   */
  reason: string;
}
export interface ApprovalWait {
  /**
   * Distinct approvals the gate needs.
   */
  required: number;
  /**
   * Distinct, unexpired approvals that count.
   */
  received: number;
  /**
   * The group whose members count.
   */
  group?: string | null;
  /**
   * Who counted so far.
   */
  approvers: string[];
}
/**
 * The Release's audit history, newest last, bounded.
 */
export interface AuditLog {
  /**
   * Sequence number of the newest entry ever written.
   */
  seq: number;
  /**
   * The spec generation last recorded as SpecChanged.
   */
  generation?: number;
  /**
   * Newest last; the oldest drop off past the limit.
   */
  entries: AuditEntry[];
}
export interface AuditEntry {
  /**
   * Increases by one per entry.
   */
  seq: number;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  at: string;
  /**
   * A person, or keelson for the controller's own decisions.
   */
  by: string;
  /**
   * SpecChanged, an operation, or a rollout event type.
   */
  what: string;
  /**
   * The revision it is about; for a rollout event, where traffic goes (on a revert, back to stable).
   */
  revision?: string | null;
  /**
   * Rollout events: where traffic comes from (on a revert, the revision that failed).
   */
  fromRevision?: string | null;
  /**
   * The source revision of the spec in force.
   */
  sourceRevision?: string | null;
  /**
   * What happened, in a sentence.
   */
  detail: string;
  evidence?: RevertEvidence1;
  /**
   * Operations and approvals: how by was authenticated: token (a named API token or the apiToken), oidc (a JWT), local (the CLI writing to the state store, not authenticated).
   */
  via?: "token" | "oidc" | "local";
}
/**
 * Reverts: why.
 */
export interface RevertEvidence1 {
  /**
   * The reverted revision.
   */
  revision: string;
  /**
   * The health condition that failed.
   */
  condition: string;
  /**
   * Its observed value.
   */
  value?: number | null;
  /**
   * The threshold it crossed.
   */
  threshold?: string;
  /**
   * A metric condition's window: the period its value was computed over. Absent for other conditions.
   */
  window?: string;
  /**
   * How long the condition had to keep failing before the revert (for progressDeadline, the deadline).
   */
  failFor?: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  failingSince?: string;
  /**
   * An ISO 8601 date-time with time zone, e.g. 2026-02-21T10:15:00Z.
   */
  revertedAt: string;
  /**
   * Tasks of the reverted revision that stopped, with ECS's reasons.
   */
  stoppedTasks?: {
    /**
     * The stopped task.
     */
    taskArn: string;
    /**
     * ECS's stoppedReason.
     */
    stoppedReason?: string;
    /**
     * The essential container's exit code.
     */
    exitCode?: number | null;
    /**
     * The task's containers that stopped with a reason or a non-zero exit code, e.g. OutOfMemoryError: Container killed due to memory usage.
     */
    containers?: {
      /**
       * The container name.
       */
      name: string;
      /**
       * ECS's reason the container stopped.
       */
      reason?: string;
      /**
       * Its exit code.
       */
      exitCode?: number | null;
    }[];
  }[];
  job?: JobRun;
}
