// What one check of one condition found. measure() produces these (I/O); assess() turns a
// series of them into Passing / Failing / Unknown (pure).
import type { StoppedTaskEvidence } from '../api/types.js';
import type { CloudPorts } from '../cloud/ports.js';

export type Outcome = 'pass' | 'fail' | 'nodata';

export type { StoppedTaskEvidence };

export interface Measurement {
  name: string;
  outcome: Outcome;
  /** The observed value (status code, %, ms, unhealthy count…); null when there was none. */
  value?: number | null;
  /** What passing means, as a person would read it: `≤ 5%`, `status 200`. */
  threshold: string;
  /** What was seen, e.g. `7.3% > 5%`; for nodata, why there was nothing to judge. */
  message: string;
  /** Epoch ms of the check. */
  at: number;
  /**
   * For a failed check: epoch ms of the first bad datapoint in the trailing run of bad data it
   * saw (a metric period, an alarm's change to ALARM). The bad streak starts there.
   */
  badSince?: number;
  /** Metric checks with a value: epoch ms of the start of the oldest period it came from. */
  dataFrom?: number;
  /** Relative metric checks: the stable colour's figure compared against, and when it was measured. */
  baseline?: BaselineFigure;
  /** Stopped tasks that make the ECS signal fail, kept so a revert can name them. */
  stoppedTasks?: StoppedTaskEvidence[];
}

/** One colour to measure: its ECS service and, when it sits behind an ALB, its target group. */
export interface ColourTarget {
  service: string;
  targetGroupArn?: string;
  /** Resolved from the target group (one DescribeTargetGroups) when absent and needed. */
  loadBalancerArn?: string;
  /**
   * Healthy targets the colour should have, once it serves traffic. Targets missing from that
   * count (replaced by ECS after failing health checks, say) count as unhealthy.
   */
  expectedTargets?: number;
  /** Epoch ms: metric periods that began earlier were served by another revision and are ignored. */
  dataSince?: number;
}

/** A stable colour's metric value, measured at `at` (epoch ms). */
export interface BaselineFigure {
  value: number;
  at: number;
}

/** canary: the colour being rolled out; baseline: the stable colour, for relative checks (none when rolling). */
export interface MeasureTarget {
  cluster: string;
  canary: ColourTarget;
  baseline?: ColourTarget;
  /**
   * Each relative condition's baseline as last measured while the stable colour had traffic.
   * Used when the stable colour has no data now, and always once it takes no traffic (at 100%,
   * during the bake): what it serves then says nothing about the old revision.
   */
  capturedBaselines?: ReadonlyMap<string, BaselineFigure>;
  /** The stable colour takes no traffic (weights read back). */
  baselineIdle?: boolean;
}

/** The ports health checks read from. */
export type HealthPorts = Pick<CloudPorts, 'lb' | 'metrics' | 'http'>;

/** A condition's name with its kind-specific check, as evaluators take them. */
export interface NamedCheck<C> {
  name: string;
  check: C;
}

/** A check and its position among the Release's conditions (metric query ids are named by it). */
export interface IndexedCheck<C> extends NamedCheck<C> {
  index: number;
}

/** The fields every measurement of one condition shares. */
export interface MeasurementBase {
  name: string;
  threshold: string;
  at: number;
}

export function passed(base: MeasurementBase, value: number | null, message: string): Measurement {
  return { ...base, outcome: 'pass', value, message };
}

export function failed(base: MeasurementBase, value: number | null, message: string): Measurement {
  return { ...base, outcome: 'fail', value, message };
}

export function noData(base: MeasurementBase, message: string): Measurement {
  return { ...base, outcome: 'nodata', value: null, message };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A number as people read it in a status line: at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(2)));
}
