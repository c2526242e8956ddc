// Response-time distributions given by three percentiles, and the percentiles of a mix of them.
// The quantile function is piecewise linear through (0, 0.4·p50), (0.5, p50), (0.95, p95),
// (0.99, p99), (1, 1.2·p99): exact at the given points, so a single profile reports back the
// percentiles it was given, and a mix of profiles weighted by requests is computed exactly
// (no sampling), which keeps metrics deterministic and cheap.

import type { LatencySpec } from './world.js';

const LEVELS = [0, 0.5, 0.95, 0.99, 1] as const;

export interface LatencyDistribution {
  readonly key: string;
  /** Milliseconds at each of LEVELS. */
  readonly points: readonly number[];
  readonly meanMs: number;
}

export function latencyDistribution(spec: LatencySpec): LatencyDistribution {
  const raw = [spec.p50 * 0.4, spec.p50, spec.p95, spec.p99, spec.p99 * 1.2];
  const points: number[] = [];
  for (const x of raw) points.push(Math.max(x, points[points.length - 1] ?? 0));
  let mean = 0;
  for (let i = 1; i < LEVELS.length; i++) {
    mean += ((LEVELS[i] as number) - (LEVELS[i - 1] as number)) * ((points[i] as number) + (points[i - 1] as number)) / 2;
  }
  return { key: `${spec.p50}/${spec.p95}/${spec.p99}`, points, meanMs: mean };
}

/** Milliseconds at quantile q in [0, 1]. */
export function quantile(d: LatencyDistribution, q: number): number {
  for (let i = 1; i < LEVELS.length; i++) {
    const hi = LEVELS[i] as number;
    if (q <= hi) {
      const lo = LEVELS[i - 1] as number;
      const x0 = d.points[i - 1] as number;
      const x1 = d.points[i] as number;
      return x0 + ((q - lo) / (hi - lo)) * (x1 - x0);
    }
  }
  return d.points[d.points.length - 1] as number;
}

/** Fraction of requests answered within x milliseconds. */
export function cdf(d: LatencyDistribution, x: number): number {
  const pts = d.points;
  if (x < (pts[0] as number)) return 0;
  for (let i = 1; i < pts.length; i++) {
    const x0 = pts[i - 1] as number;
    const x1 = pts[i] as number;
    if (x <= x1) {
      const lo = LEVELS[i - 1] as number;
      const hi = LEVELS[i] as number;
      return x1 === x0 ? hi : lo + ((x - x0) / (x1 - x0)) * (hi - lo);
    }
  }
  return 1;
}

/** Quantile q of a mix of distributions, each weighted (by request count). */
export function mixQuantile(mix: readonly { dist: LatencyDistribution; weight: number }[], q: number): number | undefined {
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  if (total <= 0) return undefined;
  if (mix.length === 1) return quantile((mix[0] as { dist: LatencyDistribution }).dist, q);
  let lo = Math.min(...mix.map((m) => m.dist.points[0] as number));
  let hi = Math.max(...mix.map((m) => m.dist.points[m.dist.points.length - 1] as number));
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    const below = mix.reduce((sum, m) => sum + m.weight * cdf(m.dist, mid), 0) / total;
    if (below < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
