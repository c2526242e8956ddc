import type { Colour } from '../../src/api/types.js';
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
}
