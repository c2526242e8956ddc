// Built-in limits of the health checks that the manifest does not expose, in one place.

export const HEALTH_LIMITS = {
  /** Stopped-with-error tasks of the new revision that make the ECS signal fail. */
  ecsStoppedTasksToFail: 3,
  /** Stopped tasks kept as evidence on one measurement (status stays small). */
  stoppedTasksInEvidence: 10,
  /**
   * Fewest requests in a window for a rate or a percentile to mean anything: below it the
   * metric is "no data" (Unknown), so 1 error in 2 requests never reads as a 50% error rate.
   */
  minRequests: 10,
  /** CloudWatch periods are whole minutes for standard-resolution ALB metrics. */
  metricPeriodSeconds: 60,
} as const;
