// One interface for moving traffic between colours; ALB and Route53 are its two implementations,
// so the strategies never know which one they drive.
import type { RolloutProgress, TrafficSpec } from '../../../src/api/types.js';
import type { CloudPorts, WriteResult } from '../../../src/cloud/ports.js';
import type { ObservedTraffic } from '../observation.js';
import { albRouter } from './alb.js';
import { route53Router } from './route53.js';

export interface ColourWeights {
  blue: number;
  green: number;
}

/** What a router remembers about its last change, kept on the rollout between passes. */
export type TrafficRecord = Pick<RolloutProgress, 'trafficChangeId' | 'trafficInSyncAt'>;

/** A fresh write: whatever was known about the previous change no longer applies. */
export const NO_TRAFFIC_CHANGE: Readonly<Required<TrafficRecord>> = Object.freeze({ trafficChangeId: null, trafficInSyncAt: null });

/**
 * Whether weights read back equal are also in effect: a written weight is not moved traffic.
 * `record` holds what the rollout must remember for the next pass; it is returned, never written.
 */
export type TrafficVerdict =
  | { settled: true; record?: TrafficRecord }
  | { settled: false; message: string; retryAfterMs?: number; record?: TrafficRecord };

export interface TrafficRouter {
  /** Weights as the provider reports them, in percent, plus what verify() needs to judge them. */
  readWeights(ports: CloudPorts, rollout: RolloutProgress | null | undefined): Promise<ObservedTraffic>;
  setWeights(ports: CloudPorts, weights: ColourWeights): Promise<{ result: WriteResult; changeId?: string }>;
  /** Pure: called once the weights read back as wanted. */
  verify(observed: ObservedTraffic, rollout: RolloutProgress | null | undefined, now: number): TrafficVerdict;
}

export function routerFor(traffic: TrafficSpec): TrafficRouter {
  if (traffic.alb) return albRouter(traffic.alb);
  return route53Router(traffic.route53);
}

/** Raw weights of the two colours as whole percentages summing to 100. */
export function toPercent(blue: number, green: number): ColourWeights | undefined {
  const total = blue + green;
  if (total <= 0) return undefined;
  const bluePercent = Math.round((blue / total) * 100);
  return { blue: bluePercent, green: 100 - bluePercent };
}
