import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, verdictFor } from '../../../src/notify/backoff.js';

describe('notification backoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const policy = { ...DEFAULT_BACKOFF, initialDelayMs: 1_000, maxDelayMs: 5_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('retries 429 and 5xx, not other refusals', () => {
    expect([200, 204].map(verdictFor)).toEqual(['sent', 'sent']);
    expect([429, 500, 502, 503].map(verdictFor)).toEqual(['retry', 'retry', 'retry', 'retry']);
    expect([301, 400, 403, 404, 410].map(verdictFor)).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);
  });
});
