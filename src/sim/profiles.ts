// How each revision behaves: start-up time, crashes, error rate, latency, readiness and the
// answer to the load balancer's health check. Specs from the world file are resolved once.

import { parseDuration } from '../api/duration.js';
import { latencyDistribution, type LatencyDistribution } from './latency.js';
import type { BehaviourChange, ProfileSpec } from './world.js';

/** How a task answers at one moment. */
export interface Behaviour {
  errorRate: number;
  latency: LatencyDistribution;
  ready: boolean;
  healthCheck: boolean;
}

export interface Profile {
  startupMs: number;
  crash?: { exitCode: number; reason?: string; afterMs: number };
  base: Behaviour;
  turnsBad?: { afterMs: number; behaviour: Behaviour };
  job: { durationMs: number; exitCode: number; stoppedReason?: string };
  /** What a task uses of its reservation, for the AWS/ECS utilization metrics. */
  usage: ResourceUsage;
}

export interface ResourceUsage {
  cpuIdle: number;
  /** CPU percent per request a second. */
  cpuPerRequest: number;
  memoryPercent: number;
}

export const PROFILE_DEFAULTS = {
  startup: '20s',
  errorRate: 0.001,
  latencyMs: { p50: 40, p95: 120, p99: 250 },
  crashAfter: '5s',
  jobDuration: '30s',
  // A modest service: 5% CPU idle, 30% at 50 requests a second per task; memory steady at 30%.
  cpuIdle: 5,
  cpuPerRequest: 0.5,
  memoryPercent: 30,
} as const;

export function resolveProfile(spec: ProfileSpec = {}): Profile {
  const base: Behaviour = {
    errorRate: spec.errorRate ?? PROFILE_DEFAULTS.errorRate,
    latency: latencyDistribution(spec.latencyMs ?? PROFILE_DEFAULTS.latencyMs),
    ready: spec.ready ?? true,
    healthCheck: spec.healthCheck ?? true,
  };
  return {
    startupMs: parseDuration(spec.startup ?? PROFILE_DEFAULTS.startup),
    ...(spec.crashOnStart
      ? {
          crash: {
            exitCode: spec.crashOnStart.exitCode,
            ...(spec.crashOnStart.reason ? { reason: spec.crashOnStart.reason } : {}),
            afterMs: parseDuration(spec.crashOnStart.after ?? PROFILE_DEFAULTS.crashAfter),
          },
        }
      : {}),
    base,
    ...(spec.turnsBad
      ? { turnsBad: { afterMs: parseDuration(spec.turnsBad.after), behaviour: applyChange(base, spec.turnsBad) } }
      : {}),
    job: {
      durationMs: parseDuration(spec.runTask?.duration ?? PROFILE_DEFAULTS.jobDuration),
      exitCode: spec.runTask?.exitCode ?? 0,
      ...(spec.runTask?.stoppedReason ? { stoppedReason: spec.runTask.stoppedReason } : {}),
    },
    usage: {
      cpuIdle: spec.cpu?.idle ?? PROFILE_DEFAULTS.cpuIdle,
      cpuPerRequest: spec.cpu?.perRequest ?? PROFILE_DEFAULTS.cpuPerRequest,
      memoryPercent: spec.memoryPercent ?? PROFILE_DEFAULTS.memoryPercent,
    },
  };
}

export function applyChange(behaviour: Behaviour, change: BehaviourChange): Behaviour {
  return {
    errorRate: change.errorRate ?? behaviour.errorRate,
    latency: change.latencyMs ? latencyDistribution(change.latencyMs) : behaviour.latency,
    ready: change.ready ?? behaviour.ready,
    healthCheck: change.healthCheck ?? behaviour.healthCheck,
  };
}
