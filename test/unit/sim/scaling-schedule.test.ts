import { describe, expect, it } from 'vitest';
import { cronMatches, localToEpoch, parseSchedule } from '../../../src/sim/scaling-schedule.js';
import { matchingStep, stepCapacity, trackingCapacity } from '../../../src/sim/scaling-policies.js';

const at = (iso: string): number => Date.parse(iso);

describe('schedule expressions', () => {
  it('reads at() in UTC by default and in the given zone, across daylight saving', () => {
    expect(parseSchedule('at(2026-07-01T09:30:00)')).toEqual({ kind: 'at', at: at('2026-07-01T09:30:00Z') });
    expect(parseSchedule('at(2026-07-01T09:30:00)', 'America/New_York')).toEqual({ kind: 'at', at: at('2026-07-01T13:30:00Z') });
    expect(parseSchedule('at(2026-01-15T09:30:00)', 'America/New_York')).toEqual({ kind: 'at', at: at('2026-01-15T14:30:00Z') });
    expect(localToEpoch({ year: 2026, month: 3, day: 29, hour: 3, minute: 30, second: 0 }, 'Europe/Paris')).toBe(at('2026-03-29T01:30:00Z'));
  });

  it('reads rate() in minutes, hours and days', () => {
    expect(parseSchedule('rate(1 minute)')).toEqual({ kind: 'rate', everyMs: 60_000 });
    expect(parseSchedule('rate(6 hours)')).toEqual({ kind: 'rate', everyMs: 6 * 3_600_000 });
    expect(parseSchedule('rate(2 days)')).toEqual({ kind: 'rate', everyMs: 2 * 86_400_000 });
    expect(() => parseSchedule('rate(0 minutes)')).toThrow(/positive integer/);
    expect(() => parseSchedule('rate(5 weeks)')).toThrow(/minute/);
  });

  it('matches cron fields in local time: lists, ranges, steps, names, ? and the year', () => {
    const s = parseSchedule('cron(0/15 8-17 ? JAN,JUL MON-FRI 2026)', 'Europe/Paris');
    if (s.kind !== 'cron') throw new Error('not cron');
    expect(cronMatches(s.fields, s.timeZone, at('2026-01-05T07:45:00Z'))).toBe(true); // Mon 08:45 in Paris
    expect(cronMatches(s.fields, s.timeZone, at('2026-01-05T07:50:00Z'))).toBe(false); // not a quarter
    expect(cronMatches(s.fields, s.timeZone, at('2026-01-10T09:00:00Z'))).toBe(false); // Saturday
    expect(cronMatches(s.fields, s.timeZone, at('2026-07-06T06:00:00Z'))).toBe(true); // Mon 08:00 CEST
    expect(cronMatches(s.fields, s.timeZone, at('2026-02-02T09:00:00Z'))).toBe(false); // February
    expect(cronMatches(s.fields, s.timeZone, at('2027-01-04T09:00:00Z'))).toBe(false); // 2027
    const monthly = parseSchedule('cron(30 2 1 * ? *)');
    if (monthly.kind !== 'cron') throw new Error('not cron');
    expect(cronMatches(monthly.fields, 'UTC', at('2026-03-01T02:30:00Z'))).toBe(true);
    expect(cronMatches(monthly.fields, 'UTC', at('2026-03-02T02:30:00Z'))).toBe(false);
  });

  it('refuses what it cannot evaluate exactly, and malformed expressions', () => {
    expect(() => parseSchedule('cron(0 22 L * ? *)')).toThrow(/not supported/);
    expect(() => parseSchedule('cron(0 22 ? * 6#3 *)')).toThrow(/not supported/);
    expect(() => parseSchedule('cron(0 22 ? * 6L *)')).toThrow(/not supported/);
    expect(() => parseSchedule('cron(0 22 15W * ? *)')).toThrow(/not supported/);
    expect(() => parseSchedule('cron(0 22 * * * *)')).toThrow(/exactly one of day-of-month and day-of-week/);
    expect(() => parseSchedule('cron(0 22 * *)')).toThrow(/six fields/);
    expect(() => parseSchedule('cron(61 22 ? * * *)')).toThrow(/not in 0-59/);
    expect(() => parseSchedule('at(2026-01-05 10:00)')).toThrow(/yyyy-mm-dd/);
    expect(() => parseSchedule('every(5m)')).toThrow(/at\(\.\.\.\), rate/);
    expect(() => parseSchedule('rate(5 minutes)', 'Mars/Olympus')).toThrow(/IANA/);
  });
});

describe('capacity calculations', () => {
  it('target tracking: proportional to metric / target, rounded up', () => {
    expect(trackingCapacity(2, 90, 50)).toBe(4);
    expect(trackingCapacity(4, 30, 50)).toBe(3);
    expect(trackingCapacity(5, 60, 50)).toBe(6);
    expect(trackingCapacity(5, 30, 50)).toBe(3); // 3.0000000000000004 is 3
  });

  it('step scaling: bounds are inclusive on the threshold side, exclusive on the other', () => {
    const steps = [{ upperBound: -10, scalingAdjustment: -2 }, { lowerBound: -10, upperBound: 0, scalingAdjustment: -1 }, { lowerBound: 0, upperBound: 10, scalingAdjustment: 1 }, { lowerBound: 10, scalingAdjustment: 3 }];
    expect(matchingStep(steps, 0)?.scalingAdjustment).toBe(1);
    expect(matchingStep(steps, 10)?.scalingAdjustment).toBe(3);
    expect(matchingStep(steps, -10)?.scalingAdjustment).toBe(-2);
    expect(matchingStep(steps, -5)?.scalingAdjustment).toBe(-1);
  });

  it('step scaling: ChangeInCapacity, ExactCapacity, and PercentChangeInCapacity rounded as documented', () => {
    expect(stepCapacity({ adjustmentType: 'ChangeInCapacity' }, 4, 2)).toBe(6);
    expect(stepCapacity({ adjustmentType: 'ExactCapacity' }, 4, 9)).toBe(9);
    expect(stepCapacity({ adjustmentType: 'PercentChangeInCapacity' }, 10, 27)).toBe(12); // 2.7 → 2
    expect(stepCapacity({ adjustmentType: 'PercentChangeInCapacity' }, 10, -67)).toBe(4); // -6.7 → -6
    expect(stepCapacity({ adjustmentType: 'PercentChangeInCapacity' }, 4, 10)).toBe(5); // 0.4 → 1
    expect(stepCapacity({ adjustmentType: 'PercentChangeInCapacity' }, 4, -10)).toBe(3); // -0.4 → -1
    expect(stepCapacity({ adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 2 }, 4, 25)).toBe(6); // 1 → 2
  });
});
