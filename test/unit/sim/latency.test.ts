import { describe, expect, it } from 'vitest';
import { cdf, latencyDistribution, mixQuantile, quantile } from '../../../src/sim/latency.js';

describe('latency distributions', () => {
  const fast = latencyDistribution({ p50: 50, p95: 100, p99: 200 });
  const slow = latencyDistribution({ p50: 500, p95: 1000, p99: 2000 });

  it('gives back the percentiles a profile states', () => {
    expect(quantile(fast, 0.5)).toBe(50);
    expect(quantile(fast, 0.95)).toBe(100);
    expect(quantile(fast, 0.99)).toBeCloseTo(200, 9);
    expect(cdf(fast, 100)).toBeCloseTo(0.95, 9);
  });

  it('weights a mix by requests', () => {
    // 90% fast + 10% slow: the slowest 5% are all slow requests.
    const p95 = mixQuantile([{ dist: fast, weight: 90 }, { dist: slow, weight: 10 }], 0.95) ?? 0;
    expect(p95).toBeGreaterThan(200);
    expect(p95).toBeLessThan(1000);
    // The mix's CDF at its p95 is 95%.
    expect(0.9 * cdf(fast, p95) + 0.1 * cdf(slow, p95)).toBeCloseTo(0.95, 6);
    expect(mixQuantile([{ dist: slow, weight: 3 }], 0.5)).toBe(500);
    expect(mixQuantile([], 0.5)).toBeUndefined();
  });

  it('has a mean between its median and its tail', () => {
    expect(fast.meanMs).toBeGreaterThan(40);
    expect(fast.meanMs).toBeLessThan(100);
  });
});
