import { describe, expect, it } from 'vitest';
import type { RolloutProgress } from '../../../../../src/api/types.js';
import { route53Router } from '../../../../../controllers/release/traffic/route53.js';

const router = route53Router({ hostedZoneId: 'Z1', recordName: 'app.example.org', recordType: 'A', setIdentifiers: { blue: 'b', green: 'g' } });
const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const weights = { blue: 0, green: 100 };

function rollout(fields: Partial<RolloutProgress> = {}): RolloutProgress {
  return { revision: 'app:2', colour: 'green', generation: 1, startedAt: iso(T0), stepIndex: 0, stepStartedAt: iso(T0), ...fields };
}

describe('Route53 router: verify', () => {
  it('waits while the change carrying the weights is still PENDING', () => {
    const verdict = router.verify({ weights, changeStatus: 'PENDING', ttlSeconds: 60 }, rollout({ trafficChangeId: 'C1' }), T0);
    expect(verdict).toEqual({ settled: false, message: expect.stringContaining('INSYNC') });
  });

  it('once INSYNC, returns when it was first seen so and waits one TTL from then', () => {
    const verdict = router.verify({ weights, changeStatus: 'INSYNC', ttlSeconds: 60 }, rollout({ trafficChangeId: 'C1' }), T0);
    expect(verdict).toEqual({
      settled: false,
      message: expect.stringContaining('TTL'),
      retryAfterMs: 60_000,
      record: { trafficInSyncAt: iso(T0) },
    });
  });

  it('counts the TTL from the recorded INSYNC time, not from now, and leaves that record alone', () => {
    const r = rollout({ trafficChangeId: 'C1', trafficInSyncAt: iso(T0) });
    const before = structuredClone(r);
    expect(router.verify({ weights, changeStatus: 'INSYNC', ttlSeconds: 60 }, r, T0 + 45_000)).toEqual({
      settled: false,
      message: expect.stringContaining('15s left'),
      retryAfterMs: 15_000,
    });
    expect(router.verify({ weights, changeStatus: 'INSYNC', ttlSeconds: 60 }, r, T0 + 60_000)).toEqual({ settled: true });
    expect(r).toEqual(before);
  });

  it('is settled at once when the record has no TTL to wait out, still recording the INSYNC time', () => {
    expect(router.verify({ weights, changeStatus: 'INSYNC', ttlSeconds: 0 }, rollout({ trafficChangeId: 'C1' }), T0)).toEqual({
      settled: true,
      record: { trafficInSyncAt: iso(T0) },
    });
  });

  it('has nothing to wait for when no change of its own is in flight', () => {
    expect(router.verify({ weights, ttlSeconds: 60 }, rollout(), T0)).toEqual({ settled: true });
    expect(router.verify({ weights, ttlSeconds: 60 }, null, T0)).toEqual({ settled: true });
  });
});
