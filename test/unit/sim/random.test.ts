import { describe, expect, it } from 'vitest';
import { Random, randomStream } from '../../../src/sim/random.js';

function moments(draw: () => number, runs: number): { mean: number; variance: number } {
  const xs = Array.from({ length: runs }, draw);
  const mean = xs.reduce((a, b) => a + b, 0) / runs;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / runs };
}

describe('seeded randomness', () => {
  it.each([
    [20, 0.001],
    [50, 0.2],
    [30, 0.9],
    [5_000, 0.3],
  ])('draws binomial(%i, %f) with the right mean and variance', (n, p) => {
    const random = new Random(99);
    const { mean, variance } = moments(() => random.binomial(n, p), 20_000);
    expect(Math.abs(mean - n * p)).toBeLessThan(0.05 * n * p + 0.01);
    expect(Math.abs(variance - n * p * (1 - p))).toBeLessThan(0.1 * n * p * (1 - p) + 0.01);
  });

  it('repeats a stream for the same seed and label, and differs otherwise', () => {
    const a = randomStream(5, 'traffic');
    const b = randomStream(5, 'traffic');
    const seq = (r: Random): number[] => Array.from({ length: 5 }, () => r.next());
    expect(seq(a)).toEqual(seq(b));
    expect(seq(randomStream(5, 'ids'))).not.toEqual(seq(randomStream(5, 'traffic')));
    expect(seq(randomStream(6, 'traffic'))).not.toEqual(seq(randomStream(5, 'traffic')));
  });

  it('rounds fractions up with their probability', () => {
    const random = new Random(1);
    const { mean } = moments(() => random.round(2.25), 10_000);
    expect(mean).toBeCloseTo(2.25, 1);
  });
});
