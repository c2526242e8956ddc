import { describe, expect, it } from 'vitest';
import type { DeploySchedule } from '../../../src/api/types.js';
import { describeInstant, evaluateSchedule, ScheduleEvaluator } from '../../../src/schedule/deploy-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

// Runbook 004: weekdays in the morning, never Friday afternoon or the weekend, not over the holidays.
const BERLIN: DeploySchedule = {
  timeZone: 'Europe/Berlin',
  windows: [{ cron: '0 9 * * 1-5', duration: '8h' }],
  blackouts: [{ cron: '0 14 * * 5', duration: '58h', reason: 'Friday afternoon and the weekend' }],
  freezes: [{ from: '2026-12-24T00:00:00Z', to: '2027-01-02T00:00:00Z', reason: 'holidays' }],
};

describe('a deployment schedule', () => {
  it('is open inside a window and says when it closes, in absolute time', () => {
    const v = new ScheduleEvaluator(BERLIN).evaluate(at('2026-12-02T08:00:00Z')); // Wednesday 09:00 in Berlin
    expect(v.open).toBe(true);
    expect(iso(v.changesAt)).toBe('2026-12-02T16:00:00.000Z');
  });

  it('is closed before the window opens and says when it opens', () => {
    const v = new ScheduleEvaluator(BERLIN).evaluate(at('2026-12-02T07:59:00Z'));
    expect(v).toMatchObject({ open: false, closedBy: 'outsideWindow' });
    expect(iso(v.changesAt)).toBe('2026-12-02T08:00:00.000Z');
  });

  it('closes at the end of the window: the period is half open', () => {
    expect(new ScheduleEvaluator(BERLIN).at(at('2026-12-02T16:00:00Z')).open).toBe(false);
    expect(new ScheduleEvaluator(BERLIN).at(at('2026-12-02T15:59:59.999Z')).open).toBe(true);
  });

  it('lets a blackout win over a window, and opens again on Monday morning', () => {
    const v = new ScheduleEvaluator(BERLIN).evaluate(at('2026-12-04T13:30:00Z')); // Friday 14:30 in Berlin
    expect(v).toMatchObject({ open: false, closedBy: 'blackout', reason: 'Friday afternoon and the weekend' });
    expect(iso(v.changesAt)).toBe('2026-12-07T08:00:00.000Z');
  });

  it('holds through a freeze and opens at the first window after it', () => {
    const v = new ScheduleEvaluator(BERLIN).evaluate(at('2026-12-28T10:00:00Z'));
    expect(v).toMatchObject({ open: false, closedBy: 'freeze', reason: 'holidays' });
    expect(iso(v.changesAt)).toBe('2027-01-04T08:00:00.000Z'); // Jan 2 is a Saturday: the blackout, then Monday
  });

  it('follows the time zone across a change to summer time', () => {
    const daily: DeploySchedule = { windows: [{ cron: '0 9 * * *', duration: '1h', timeZone: 'Europe/Berlin' }] };
    const before = new ScheduleEvaluator(daily).evaluate(at('2026-03-28T12:00:00Z'));
    const after = new ScheduleEvaluator(daily).evaluate(at('2026-03-29T12:00:00Z'));
    expect(iso(before.changesAt)).toBe('2026-03-29T07:00:00.000Z'); // 09:00 CEST
    expect(iso(after.changesAt)).toBe('2026-03-30T07:00:00.000Z');
    expect(new ScheduleEvaluator(daily).at(at('2026-03-27T08:30:00Z')).open).toBe(true); // 09:30 CET
  });

  it('treats overlapping occurrences as one open span', () => {
    const hourly = new ScheduleEvaluator({ windows: [{ cron: '0 9-11 * * *', duration: '2h' }] });
    expect(['09:00', '10:59', '12:59'].map((t) => hourly.at(at(`2026-06-01T${t}:00Z`)).open)).toEqual([true, true, true]);
    expect(iso(hourly.evaluate(at('2026-06-01T10:30:00Z')).changesAt)).toBe('2026-06-01T13:00:00.000Z');
  });

  it('remembers a verdict only while it holds', () => {
    const first = evaluateSchedule(BERLIN, at('2026-12-02T07:00:00Z'));
    expect(evaluateSchedule(BERLIN, at('2026-12-02T07:59:59Z'))).toBe(first);
    expect(evaluateSchedule(BERLIN, at('2026-12-02T08:00:00Z')).open).toBe(true);
  });

  it('shows an instant in UTC and in the local time of the schedule', () => {
    expect(describeInstant(at('2026-12-02T08:00:00Z'), 'Europe/Berlin')).toBe('2026-12-02T08:00Z, Europe/Berlin Wed 09:00');
    expect(describeInstant(at('2026-12-02T08:00:00Z'), 'UTC')).toBe('2026-12-02T08:00Z');
  });
});
