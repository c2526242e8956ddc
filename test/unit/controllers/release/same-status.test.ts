import { describe, expect, it } from 'vitest';
import { sameAsStored } from '../../../../controllers/release/same-status.js';

/** What the old check did: both sides as the store keeps them (JSON), compared. */
const viaJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(JSON.parse(JSON.stringify(a)))) === JSON.stringify(sortKeys(JSON.parse(JSON.stringify(b))));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

describe('a status the same as the stored one', () => {
  const stored = {
    phase: 'Healthy',
    observedGeneration: 3,
    weights: { stable: 100, canary: 0 },
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00.000Z' }],
    stableRevision: 'app:7',
    rollout: null,
  };

  it('ignores fields set to undefined and the order of keys, as JSON does', () => {
    const next = { rollout: null, stableRevision: 'app:7', message: undefined, conditions: [{ lastTransitionTime: '2026-01-01T00:00:00.000Z', status: 'True', type: 'Ready' }], weights: { canary: 0, stable: 100 }, observedGeneration: 3, phase: 'Healthy' };
    expect(sameAsStored(stored, next)).toBe(true);
    expect(sameAsStored(next, stored)).toBe(true);
  });

  it('sees any change: a value, a field more or less, an entry of a list, null for absent', () => {
    const changes: Record<string, unknown>[] = [
      { ...stored, observedGeneration: 4 },
      { ...stored, message: 'moved' },
      { ...stored, weights: { stable: 90, canary: 10 } },
      { ...stored, conditions: [] },
      { ...stored, conditions: [{ ...stored.conditions[0], status: 'False' }] },
      { ...stored, rollout: undefined },
      { ...stored, stableRevision: null },
      { ...stored, weights: [100, 0] },
    ];
    for (const next of changes) {
      expect(sameAsStored(stored, next), JSON.stringify(next)).toBe(false);
      expect(sameAsStored(next, stored), JSON.stringify(next)).toBe(false);
    }
  });

  it('agrees with comparing JSON copies on 500 seeded random pairs', () => {
    let seed = 20_261_201;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const leaves = [0, 1, -0, 'a', 'b', null, undefined, true, false, Number.NaN];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth === 0 || r < 0.5) return leaves[Math.floor(random() * leaves.length)];
      if (r < 0.75) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth - 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [['x', 'y', 'z'][Math.floor(random() * 3)] as string, value(depth - 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const start = seed;
      const a = { status: value(3) };
      const b = random() < 0.5 ? structuredClone(a) : { status: value(3) };
      expect(sameAsStored(a, b), `seed ${start}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(viaJson(a, b));
    }
  });
});
