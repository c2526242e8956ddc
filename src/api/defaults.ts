// Every default of the Release API in one place; the schema states the same values.

export const DEFAULTS = {
  healthInterval: '15s',
  progressDeadline: '10m',
  scaleDownDelay: '24h',
  bakeTime: '5m',
  autoRollback: true,
  autoPromote: true,
  httpExpectStatus: 200,
  httpTimeout: '5s',
  maxUnhealthyTargets: 0,
  metricWindow: '1m',
  /**
   * How late a CloudWatch datapoint may be published after its period ends: ALB metrics are sent
   * each minute and appear some time after it (AWS states no figure; minutes are typical).
   */
  metricPublicationDelay: '3m',
  /** Bounded length of status.history. */
  historyLimit: 20,
  /** A Stalled Release is looked at again this often (at once when its spec or an operation arrives). */
  stalledRetry: '5m',
  /** A job still running after this long is stopped and fails. */
  jobTimeout: '10m',
  /** The exit code of a job's container that counts as success. */
  jobSuccessExitCode: 0,
  /** How long an http step may answer wrong before the rollout reverts: the first wrong answer. */
  httpStepFailFor: '0s',
  /** Bounded length of status.jobs. */
  jobRunsLimit: 30,
  /** Approvals an approval gate needs when it does not say. */
  approvalsRequired: 1,
  /** Bounded length of status.approvals.refused. */
  refusedApprovalsLimit: 10,
  /**
   * Bounded length of status.audit: the newest entries are kept. An entry is a few hundred bytes,
   * so the whole status stays far below a DynamoDB item's 400 KB.
   */
  auditLimit: 200,
} as const;
