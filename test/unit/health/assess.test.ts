import { describe, expect, it } from 'vitest';
import type { ConditionHealth, HealthConditionBase } from '../../../src/api/types.js';
import { assess, failingFor, failsAt, summarizeHealth, summarizeHealthList } from '../../../src/health/assess.js';
import type { Measurement, Outcome } from '../../../src/health/measurement.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const INTERVAL = 15_000;
const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();

function check(outcome: Outcome, atOffset: number, value: number | null = outcome === 'nodata' ? null : 7.3): Measurement {
  return {
    name: 'errors',
    outcome,
    value,
    threshold: '≤ 5%',
    message: outcome === 'fail' ? '7.3% > 5%' : outcome === 'pass' ? '0.4% ≤ 5%' : 'only 3 requests in 1m',
    at: T0 + atOffset,
  };
}

/** Feeds checks, one interval apart from t=0, and returns every resulting ConditionHealth. */
function run(condition: Pick<HealthConditionBase, 'name' | 'failFor'>, outcomes: Outcome[]): ConditionHealth[] {
  const seen: ConditionHealth[] = [];
  let previous: ConditionHealth | undefined;
  outcomes.forEach((outcome, i) => {
    previous = assess(condition, previous, check(outcome, i * INTERVAL), { now: T0 + i * INTERVAL, intervalMs: INTERVAL });
    seen.push(previous);
  });
  return seen;
}

const states = (hs: ConditionHealth[]): string[] => hs.map((h) => h.state);

describe('assess applies failFor to a series of checks', () => {
  it.each<[string, string | undefined, Outcome[], string[]]>([
    ['Unknown → Passing on the first passing check', undefined, ['pass'], ['Passing']],
    ['no data at first is Unknown, never Passing', undefined, ['nodata', 'nodata', 'pass'], ['Unknown', 'Unknown', 'Passing']],
    [
      'Passing → Breaching → Failing exactly when the streak reaches failFor (1m at 15s interval: the fifth bad check)',
      '1m',
      ['pass', 'fail', 'fail', 'fail', 'fail', 'fail'],
      ['Passing', 'Breaching', 'Breaching', 'Breaching', 'Breaching', 'Failing'],
    ],
    ['default failFor is one interval: the second bad check fails', undefined, ['pass', 'fail', 'fail'], ['Passing', 'Breaching', 'Failing']],
    ['failFor 0s fails on the first bad check', '0s', ['pass', 'fail'], ['Passing', 'Failing']],
    ['a first-ever bad check is Breaching until failFor, never Passing', '30s', ['fail', 'fail', 'fail'], ['Breaching', 'Breaching', 'Failing']],
    ['Failing → Passing as soon as a check passes', undefined, ['fail', 'fail', 'pass'], ['Breaching', 'Failing', 'Passing']],
    [
      'a passing check breaks the streak, so failFor starts over',
      '30s',
      ['fail', 'fail', 'pass', 'fail', 'fail', 'fail'],
      ['Breaching', 'Breaching', 'Passing', 'Breaching', 'Breaching', 'Failing'],
    ],
    [
      'no data during a streak is Unknown but keeps the streak: the next bad check fails at once',
      '45s',
      ['pass', 'fail', 'nodata', 'nodata', 'fail'],
      ['Passing', 'Breaching', 'Unknown', 'Unknown', 'Failing'],
    ],
    [
      'no data alone never turns a streak past failFor into Failing',
      '15s',
      ['pass', 'fail', 'nodata', 'nodata'],
      ['Passing', 'Breaching', 'Unknown', 'Unknown'],
    ],
    ['no data after Failing is Unknown', undefined, ['fail', 'fail', 'nodata', 'fail'], ['Breaching', 'Failing', 'Unknown', 'Failing']],
  ])('%s', (_story, failFor, outcomes, expected) => {
    expect(states(run({ name: 'errors', failFor }, outcomes))).toEqual(expected);
  });

  it('tracks the start of the bad streak in badSince and clears it on a pass', () => {
    const hs = run({ name: 'errors', failFor: '30s' }, ['pass', 'fail', 'fail', 'nodata', 'fail', 'pass']);
    expect(hs.map((h) => h.badSince)).toEqual([null, iso(15_000), iso(15_000), iso(15_000), iso(15_000), null]);
  });

  it('moves since only when the state changes', () => {
    const hs = run({ name: 'errors', failFor: '30s' }, ['pass', 'pass', 'fail', 'fail', 'fail', 'fail', 'pass']);
    expect(states(hs)).toEqual(['Passing', 'Passing', 'Breaching', 'Breaching', 'Failing', 'Failing', 'Passing']);
    expect(hs.map((h) => h.since)).toEqual([iso(0), iso(0), iso(30_000), iso(30_000), iso(60_000), iso(60_000), iso(90_000)]);
  });

  it('keeps the latest value, threshold, message and check time', () => {
    const [, latest] = run({ name: 'errors' }, ['pass', 'fail']);
    expect(latest).toMatchObject({
      name: 'errors',
      value: 7.3,
      threshold: '≤ 5%',
      message: '7.3% > 5%',
      checkedAt: iso(15_000),
    });
  });

  it('records no value for a check without data', () => {
    const [, latest] = run({ name: 'errors' }, ['fail', 'nodata']);
    expect(latest?.value).toBeNull();
    expect(latest?.message).toBe('only 3 requests in 1m');
  });
});

describe('the bad streak starts at the first bad datapoint', () => {
  const condition = { name: 'errors', failFor: '1m' };
  const bad = (at: number, badSince?: number): Measurement => ({ ...check('fail', at), ...(badSince !== undefined ? { badSince: T0 + badSince } : {}) });

  it('counts failFor from the datapoint, not from the check that first saw it', () => {
    const seen = assess(condition, undefined, bad(45_000, 0), { now: T0 + 45_000, intervalMs: INTERVAL });
    expect(seen.badSince).toBe(iso(0));
    expect(seen.state).toBe('Breaching');
    const next = assess(condition, seen, bad(60_000, 15_000), { now: T0 + 60_000, intervalMs: INTERVAL });
    expect(next.state).toBe('Failing');
    expect(next.badSince).toBe(iso(0));
  });

  it('never starts a streak in the future of the check', () => {
    const seen = assess(condition, undefined, bad(15_000, 90_000), { now: T0 + 15_000, intervalMs: INTERVAL });
    expect(seen.badSince).toBe(iso(15_000));
  });

  it('says when a streak will count', () => {
    const seen = assess(condition, undefined, bad(30_000, 10_000), { now: T0 + 30_000, intervalMs: INTERVAL });
    expect(failsAt(condition, seen, INTERVAL)).toBe(T0 + 70_000);
    expect(failsAt(condition, { badSince: null }, INTERVAL)).toBeUndefined();
  });
});

describe('baselines', () => {
  it('keeps the last baseline figure through checks that did not measure one', () => {
    const withBaseline: Measurement = { ...check('pass', 0), baseline: { value: 120, at: T0 } };
    const first = assess({ name: 'p95' }, undefined, withBaseline, { now: T0, intervalMs: INTERVAL });
    const second = assess({ name: 'p95' }, first, check('pass', 15_000), { now: T0 + 15_000, intervalMs: INTERVAL });
    expect(second.baseline).toEqual({ value: 120, at: iso(0) });
  });
});

describe('failingFor and summaries', () => {
  const failing = run({ name: 'errors', failFor: '45s' }, ['pass', 'fail', 'fail', 'fail', 'fail']).at(-1) as ConditionHealth;
  const now = T0 + 75_000;

  it('measures the bad streak from badSince', () => {
    expect(failing.state).toBe('Failing');
    expect(failingFor(failing, now)).toBe(60_000);
    expect(failingFor({ badSince: null }, now)).toBe(0);
  });

  it('says what failed, against what, and for how long', () => {
    expect(summarizeHealth(failing, now)).toBe('errors: 7.3% > 5% for 1m');
  });

  it('mentions a bad streak behind a check without data', () => {
    const unknown = run({ name: 'errors' }, ['fail', 'nodata']).at(-1) as ConditionHealth;
    expect(summarizeHealth(unknown, T0 + 15_000)).toBe('errors: only 3 requests in 1m (in a bad streak for 15s)');
  });

  it('lists failing conditions first and passing ones not at all', () => {
    const passing = run({ name: 'ready' }, ['pass']).at(-1) as ConditionHealth;
    const unknown = { ...(run({ name: 'alarm' }, ['nodata']).at(-1) as ConditionHealth), message: 'alarm x has INSUFFICIENT_DATA' };
    expect(summarizeHealthList([passing, unknown, failing], now)).toBe(
      'errors: 7.3% > 5% for 1m; alarm: alarm x has INSUFFICIENT_DATA',
    );
    expect(summarizeHealthList([passing], now)).toBe('all 1 passing');
  });
});
