import { describe, expect, it } from 'vitest';
import { formatDuration, isDuration, parseDuration } from '../../../src/api/duration.js';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
    ['1d', 86_400_000],
  ])('parses %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 'm5', '5 m', '-5m', '1.5m', '5min', '5M'])('rejects %j', (text) => {
    expect(isDuration(text)).toBe(false);
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });

  it('formats milliseconds readably', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(400)).toBe('400ms');
  });

  it('drops what is below the largest units, and parses back to what it shows', () => {
    expect(formatDuration(3_600_500)).toBe('1h');
    expect(formatDuration(3 * 86_400_000 + 61_000)).toBe('72h1m1s');
    expect(formatDuration(999.6)).toBe('1s');
    for (const ms of [1_000, 59_000, 61_000, 3_599_000, 7_384_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
