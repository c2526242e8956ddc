// A short memory of each Release's rollout for the dashboard's charts: step, weights and every
// health condition's value against its threshold, sampled when a status is written in this
// process. Held in memory only (lost on restart) and bounded twice: samples per Release and
// Releases kept, the least recently written dropped first.
import type { HealthState, Phase, ReleaseStatus } from '../api/types.js';

export const TRAIL_LIMITS = {
  /** Samples kept per Release: 4 hours at one a minute, or 20 minutes at one every 5 s. */
  samples: 240,
  /** Releases kept; a controller of 20,000 Releases keeps the trails of the 500 written last. */
  releases: 500,
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

/**
 * One Release's samples in columns of numbers (NaN for none), some 100 bytes a sample: 240
 * samples of 500 Releases with five conditions each measured about 22 MB.
 */
class Ring {
  readonly t: number[] = [];
  readonly phase: Phase[] = [];
  readonly step: number[] = [];
  readonly blue: number[] = [];
  readonly green: number[] = [];
  readonly conditions = new Map<string, { threshold: string | null; limit: number | null; state: HealthState[]; value: number[] }>();

  get length(): number {
    return this.t.length;
  }

  push(s: TrailSample): void {
    const at = this.t.length;
    this.t.push(s.t);
    this.phase.push(s.phase);
    this.step.push(s.step ?? NaN);
    this.blue.push(s.weights?.blue ?? NaN);
    this.green.push(s.weights?.green ?? NaN);
    for (const h of s.health) {
      let c = this.conditions.get(h.name);
      if (!c) {
        c = { threshold: h.threshold, limit: h.limit, state: new Array<HealthState>(at).fill('Unknown'), value: new Array<number>(at).fill(NaN) };
        this.conditions.set(h.name, c);
      }
      c.threshold = h.threshold;
      c.limit = h.limit;
      c.state.push(h.state);
      c.value.push(h.value ?? NaN);
    }
    for (const c of this.conditions.values()) {
      if (c.value.length > at) continue;
      c.state.push('Unknown');
      c.value.push(NaN);
    }
  }

  pop(): void {
    for (const column of [this.t, this.phase, this.step, this.blue, this.green]) column.pop();
    for (const c of this.conditions.values()) {
      c.state.pop();
      c.value.pop();
    }
  }

  dropOldest(count: number): void {
    for (const column of [this.t, this.phase, this.step, this.blue, this.green]) column.splice(0, count);
    for (const [name, c] of this.conditions) {
      c.state.splice(0, count);
      c.value.splice(0, count);
      if (c.value.every((v) => Number.isNaN(v))) this.conditions.delete(name);
    }
  }

  at(i: number): TrailSample {
    const num = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);
    const blue = num(this.blue[i]);
    const green = num(this.green[i]);
    const health: TrailHealth[] = [];
    for (const [name, c] of this.conditions) {
      const value = num(c.value[i]);
      const state = c.state[i] ?? 'Unknown';
      if (value === null && state === 'Unknown') continue;
      health.push({ name, state, value, threshold: c.threshold, limit: c.limit });
    }
    return { t: this.t[i]!, phase: this.phase[i]!, step: num(this.step[i]), weights: blue === null || green === null ? null : { blue, green }, health };
  }
}

/** What makes a sample worth keeping at once, whatever the interval. */
function shapeOf(s: TrailSample): string {
  return `${s.phase}|${s.step}|${s.weights?.blue}|${s.weights?.green}|${s.health.map((h) => h.state).join(',')}`;
}

function sameValues(a: TrailSample, b: TrailSample): boolean {
  return shapeOf(a) === shapeOf(b) && a.health.length === b.health.length && a.health.every((h, i) => h.name === b.health[i]?.name && h.value === b.health[i]?.value);
}

export class ReleaseTrail {
  /** Insertion order is recency: a write moves the Release to the end. */
  private readonly rings = new Map<string, Ring>();

  constructor(private readonly limits: { samples: number; releases: number; minIntervalMs: number } = TRAIL_LIMITS) {}

  record(name: string, status: ReleaseStatus | undefined, t: number): void {
    if (!status) {
      this.rings.delete(name);
      return;
    }
    const ring = this.rings.get(name) ?? new Ring();
    this.rings.delete(name);
    this.rings.set(name, ring);
    const sample = sampleOf(status, t);
    const last = ring.length > 0 ? ring.at(ring.length - 1) : undefined;
    if (last && shapeOf(last) === shapeOf(sample) && t - last.t < this.limits.minIntervalMs) return;
    // A run of equal samples keeps its first and its last: a Release at rest costs two samples.
    const before = ring.length > 1 ? ring.at(ring.length - 2) : undefined;
    if (last && before && sameValues(before, last) && sameValues(last, sample)) ring.pop();
    ring.push(sample);
    if (ring.length > this.limits.samples) ring.dropOldest(ring.length - this.limits.samples);
    for (const oldest of this.rings.keys()) {
      if (this.rings.size <= this.limits.releases) break;
      this.rings.delete(oldest);
    }
  }

  samples(name: string): TrailSample[] {
    const ring = this.rings.get(name);
    if (!ring) return [];
    return Array.from({ length: ring.length }, (_, i) => ring.at(i));
  }

  get size(): number {
    return this.rings.size;
  }
}
