// A short memory of each Release's rollout for the dashboard's charts: step, weights and every
// health condition's value against its threshold, sampled when a status is written in this
// process. Held in memory only (lost on restart) and bounded twice: samples per Release and
// Releases kept, the least recently written dropped first.
import type { HealthState, Phase, ReleaseStatus } from '../api/types.js';

export const TRAIL_LIMITS = {
  /** Samples kept per Release: 4 hours at one a minute, or 20 minutes at one every 5 s. */
  samples: 240,
  /** Releases kept; a controller of 20,000 Releases keeps the trails of the 1,000 written last. */
  releases: 1_000,
  /** A sample with nothing new but health values waits this long after the previous one. */
  minIntervalMs: 5_000,
} as const;

export interface TrailHealth {
  name: string;
  state: HealthState;
  value: number | null;
  /** The threshold as the condition states it (`< 5`, `<= 0.02`, ...). */
  threshold: string | null;
  /** The threshold's number, to draw it as a line; null when it has none. */
  limit: number | null;
}

export interface TrailSample {
  /** Milliseconds since the epoch on the controller's clock. */
  t: number;
  phase: Phase;
  /** currentStepIndex (0-based); null when no rollout is under way. */
  step: number | null;
  weights: { blue: number; green: number } | null;
  health: TrailHealth[];
}

/** The first number in a threshold: `< 5 tasks stopped` → 5, `<= 0.02` → 0.02. */
export function thresholdLimit(threshold: string | undefined): number | null {
  const found = /-?\d+(?:\.\d+)?/.exec(threshold ?? '');
  return found ? Number(found[0]) : null;
}

export function sampleOf(status: ReleaseStatus, t: number): TrailSample {
  return {
    t,
    phase: status.phase,
    step: status.currentStepIndex ?? null,
    weights: status.weights ? { blue: status.weights.blue, green: status.weights.green } : null,
    health: (status.health ?? []).map((h) => ({ name: h.name, state: h.state, value: h.value ?? null, threshold: h.threshold ?? null, limit: thresholdLimit(h.threshold) })),
  };
}

/** What makes a sample worth keeping at once, whatever the interval. */
function shapeOf(s: TrailSample): string {
  return `${s.phase}|${s.step}|${s.weights?.blue}|${s.weights?.green}|${s.health.map((h) => h.state).join(',')}`;
}

export class ReleaseTrail {
  /** Insertion order is recency: a write moves the Release to the end. */
  private readonly rings = new Map<string, TrailSample[]>();

  constructor(private readonly limits: { samples: number; releases: number; minIntervalMs: number } = TRAIL_LIMITS) {}

  record(name: string, status: ReleaseStatus | undefined, t: number): void {
    if (!status) {
      this.rings.delete(name);
      return;
    }
    const ring = this.rings.get(name) ?? [];
    this.rings.delete(name);
    this.rings.set(name, ring);
    const sample = sampleOf(status, t);
    const last = ring[ring.length - 1];
    if (last && shapeOf(last) === shapeOf(sample) && t - last.t < this.limits.minIntervalMs) return;
    ring.push(sample);
    if (ring.length > this.limits.samples) ring.splice(0, ring.length - this.limits.samples);
    for (const oldest of this.rings.keys()) {
      if (this.rings.size <= this.limits.releases) break;
      this.rings.delete(oldest);
    }
  }

  samples(name: string): TrailSample[] {
    return [...(this.rings.get(name) ?? [])];
  }

  get size(): number {
    return this.rings.size;
  }
}
