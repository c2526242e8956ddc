// Schedules of Application Auto Scaling scheduled actions: `at(yyyy-mm-ddThh:mm:ss)`,
// `rate(value unit)` and `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, with `at`
// and `cron` read in the action's time zone (UTC by default).
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
// https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
//
// The cron subset is the one evaluated exactly here: `*`, `?`, lists, ranges, steps and names
// (JAN-DEC, SUN-SAT; day-of-week 1 is Sunday). `L`, `W` and `#` are refused, not approximated.
// Local times come from Intl (the ICU time-zone data Node ships), so daylight-saving changes
// follow the zone's rules.

export type Schedule =
  | { kind: 'at'; at: number }
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; fields: CronFields; timeZone: string };

export interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  /** Undefined for `?`. */
  daysOfMonth?: Set<number>;
  months: Set<number>;
  /** 1 (Sunday) to 7 (Saturday); undefined for `?`. */
  daysOfWeek?: Set<number>;
  years: Set<number>;
}

export class ScheduleError extends Error {
  readonly code = 'ValidationException';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const RATE_UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

export function parseSchedule(expression: string, timeZone = 'UTC'): Schedule {
  checkTimeZone(timeZone);
  const match = /^(at|rate|cron)\((.*)\)$/.exec(expression.trim());
  if (!match) throw new ScheduleError(`schedule "${expression}" must be at(...), rate(...) or cron(...)`);
  const [, kind, body = ''] = match;
  if (kind === 'at') return { kind: 'at', at: parseAt(body.trim(), timeZone) };
  if (kind === 'rate') return { kind: 'rate', everyMs: parseRate(body.trim()) };
  return { kind: 'cron', fields: parseCron(body.trim()), timeZone };
}

function parseAt(body: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) throw new ScheduleError(`at(${body}) must be at(yyyy-mm-ddThh:mm:ss)`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return localToEpoch({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, timeZone);
}

function parseRate(body: string): number {
  const m = /^(\d+)\s+([a-z]+)$/.exec(body);
  const unit = m ? RATE_UNITS[m[2] as string] : undefined;
  const value = m ? Number(m[1]) : 0;
  if (!m || unit === undefined || value <= 0) throw new ScheduleError(`rate(${body}) must be rate(value unit), value a positive integer, unit minute(s), hour(s) or day(s)`);
  return value * unit;
}

function parseCron(body: string): CronFields {
  const parts = body.split(/\s+/);
  if (parts.length !== 6) throw new ScheduleError(`cron(${body}) needs six fields: minutes hours day-of-month month day-of-week year`);
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new ScheduleError(`cron(${body}): exactly one of day-of-month and day-of-week must be ?`);
  return {
    minutes: parseField(min, 0, 59, 'minutes'),
    hours: parseField(hour, 0, 23, 'hours'),
    ...(dom === '?' ? {} : { daysOfMonth: parseField(dom, 1, 31, 'day-of-month') }),
    months: parseField(month, 1, 12, 'month', MONTHS),
    ...(dow === '?' ? {} : { daysOfWeek: parseField(dow, 1, 7, 'day-of-week', DAYS) }),
    years: parseField(year, 1970, 2199, 'year'),
  };
}

function parseField(text: string, lo: number, hi: number, name: string, names?: readonly string[]): Set<number> {
  if (text.includes('#')) throw new ScheduleError(`cron ${name} "${text}": L, W and # are not supported by the simulator`);
  const value = (v: string): number => {
    const byName = names?.indexOf(v.toUpperCase()) ?? -1;
    if (byName < 0 && /^(\d*L|\d+W|LW|L-\d+)$/i.test(v)) throw new ScheduleError(`cron ${name} "${text}": L, W and # are not supported by the simulator`);
    const n = byName >= 0 ? byName + 1 : /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= lo && n <= hi)) throw new ScheduleError(`cron ${name} "${text}": ${v} is not in ${lo}-${hi}`);
    return n;
  };
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new ScheduleError(`cron ${name} "${text}": step must be a positive integer`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [lo, hi];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(range);
      to = stepText === undefined ? from : hi;
    }
    if (from > to) throw new ScheduleError(`cron ${name} "${text}": range ${from}-${to} is empty`);
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 (Sunday) to 7 (Saturday). */
  weekday?: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function checkTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new ScheduleError(`time zone "${timeZone}" is not an IANA time zone`);
  }
}

export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: DAYS.indexOf((parts.weekday ?? '').toUpperCase()) + 1,
  };
}

/** The instant a wall-clock time names in a zone (the later offset wins in a repeated hour). */
export function localToEpoch(t: LocalTime, timeZone: string): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const l = localTime(guess, timeZone);
    const offset = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - guess;
    const next = wall - offset;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** True when a cron schedule fires in the minute starting at `minuteStart`. */
export function cronMatches(fields: CronFields, timeZone: string, minuteStart: number): boolean {
  const t = localTime(minuteStart, timeZone);
  if (!fields.minutes.has(t.minute) || !fields.hours.has(t.hour) || !fields.months.has(t.month) || !fields.years.has(t.year)) return false;
  if (fields.daysOfMonth) return fields.daysOfMonth.has(t.day);
  return fields.daysOfWeek?.has(t.weekday ?? 0) ?? false;
}
