import type { Colour } from '../../src/api/types.js';
import { CloudError, type CloudErrorCode } from '../../src/cloud/errors.js';
import type { EcsService, EcsTask } from '../../src/cloud/ports.js';

export interface TargetCounts {
  healthy: number;
  unhealthy: number;
  /** Registered targets in any state. */
  total: number;
}

export interface ObservedTraffic {
  /** Weights as read back from the ALB or Route53, in percent; undefined when unreadable. */
  weights?: { blue: number; green: number };
  /** Route53: status of the change keelson last made. */
  changeStatus?: 'PENDING' | 'INSYNC';
  ttlSeconds?: number;
}

/** One frozen look at the cloud, taken at the start of a pass; plan() reads nothing else. */
export interface Observation {
  /** The spec's revision resolved to `family:revision`. */
  desiredRevision: string;
  /** The image of each revision the controller has seen, for notifications (rollback target). */
  images?: Record<string, string>;
  /** By service name; undefined when ECS reports the service missing. */
  services: Record<string, EcsService | undefined>;
  /** Canary/blueGreen only. */
  traffic?: ObservedTraffic;
  /** blueGreen with a preview listener or rule: its forward weights by target group ARN. */
  preview?: Record<string, number>;
  /** Target health per colour (canary/blueGreen) or for `service` (rolling). */
  targets: Partial<Record<Colour | 'service', TargetCounts>>;
  /** Application Auto Scaling owns desiredCount of these services. */
  autoscaled: Record<string, boolean>;
  /** Recently stopped tasks of the service being rolled out, newest first. */
  stoppedTasks: EcsTask[];
  /** The tasks of jobs status says are under way, by task ARN; absent from it: ECS no longer knows the task. */
  jobs?: Record<string, ObservedJobTask>;
  /** The http step the rollout stands at, probed this pass. */
  httpStep?: ObservedHttpStep;
  /**
   * Reads that failed this pass. The parts they would have filled are unknown, not empty: a
   * service not read is not a missing service, weights not read are not drift. Absent or empty:
   * everything was read.
   */
  unread?: readonly UnreadGap[];
}

/** The parts of an Observation a failed read leaves unknown. */
export type ObservedPart = 'desiredRevision' | 'services' | 'traffic' | 'preview' | 'targets' | 'autoscaled' | 'stoppedTasks' | 'jobs';

/** A job's task as DescribeTasks shows it, with where its container logs go. */
export interface ObservedJobTask {
  task: EcsTask;
  log?: { group: string; stream: string; region?: string };
}

/** One probe of an http step: passed, or failed with what was seen. */
export interface ObservedHttpStep {
  name: string;
  /** The rollout step index it was probed for. */
  stepIndex: number;
  /** nodata: the probe itself could not be made; it holds, never passes. */
  outcome: 'pass' | 'fail' | 'nodata';
  statusCode: number | null;
  message: string;
  at: number;
}

/** One read that failed: which part it leaves unknown, the API (`ecs:DescribeServices`) and why. */
export interface UnreadGap {
  part: ObservedPart;
  what: string;
  code: CloudErrorCode;
  message: string;
}

/** Whether a part of the observation could not be read this pass. */
export function isUnread(observed: Pick<Observation, 'unread'>, part: ObservedPart): boolean {
  return (observed.unread ?? []).some((g) => g.part === part);
}

/** `ecs:DescribeServices Throttled (Rate exceeded)`, for a status line. */
export function describeGaps(gaps: readonly UnreadGap[]): string {
  return gaps.map((g) => `${g.what} ${g.code} (${g.message})`).join('; ');
}

/**
 * A pass that acted on what it could read but could not read everything: it still counts as
 * failed (backoff, metrics, the code of the first failed read), and carries when the plan wants
 * the next pass, so health keeps being measured while reads fail.
 */
export class ObservationIncompleteError extends CloudError {
  constructor(
    readonly gaps: readonly UnreadGap[],
    readonly requeueAfter: number | undefined,
  ) {
    const first = gaps[0] as UnreadGap;
    const [service, operation] = first.what.split(':');
    super(first.code, `observation incomplete: ${describeGaps(gaps)}`, { ...(service ? { service } : {}), ...(operation ? { operation } : {}) });
  }
}
