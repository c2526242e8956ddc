// Is this instant inside the deployment schedule, and when does that next change? Pure: the
// instant is given. Cron occurrences come from croner (time zones and DST through Intl); a
// period is the half-open span [occurrence, occurrence + duration) in absolute time, so an 8h
// window is 8 real hours even across a DST change.
import { Cron } from 'croner';
import { parseDuration } from '../api/duration.js';
import type { DeploySchedule, RecurringPeriod, WindowClosedBy } from '../api/types.js';

/** How far ahead the next opening or closing is looked for. */
export const SCHEDULE_HORIZON_MS = 366 * 24 * 3_600_000;
/** Edges stepped over at most while looking (months of daily windows); bounds the cost of a pathological cron. */
const MAX_BOUNDARIES = 1_000;

export interface ScheduleVerdict {
  open: boolean;
  /** Why it is closed; the blackout or freeze named first wins over being outside every window. */
  closedBy?: WindowClosedBy;
  /** The blackout's or freeze's reason, when it has one. */
  reason?: string;
  /** When `open` next flips; undefined: not found within SCHEDULE_HORIZON_MS (or MAX_BOUNDARIES edges). */
  changesAt?: number;
}

interface CompiledPeriod {
  cron: Cron;
  durationMs: number;
  reason?: string;
}

const compiledCache = new Map<string, Cron>();

/** The croner job for an expression in a time zone; throws RangeError/TypeError on a bad one. */
export function compileCron(expression: string, timeZone: string): Cron {
  const key = `${timeZone}\u0000${expression}`;
  let cron = compiledCache.get(key);
  if (!cron) {
    // paused: it is never scheduled, only asked for occurrences. Day-of-month and day-of-week
    // combine with OR, as in Vixie cron (croner's legacy mode, its default).
    cron = new Cron(expression, { timezone: timeZone, paused: true });
    // Converting one instant proves the time zone exists (croner checks it lazily).
    cron.nextRun(new Date(0));
    compiledCache.set(key, cron);
  }
  return cron;
}

/** Whether Intl knows the time zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function compile(schedule: DeploySchedule, periods: RecurringPeriod[] | undefined): CompiledPeriod[] {
  return (periods ?? []).map((p) => ({
    cron: compileCron(p.cron, p.timeZone ?? schedule.timeZone ?? 'UTC'),
    durationMs: parseDuration(p.duration),
    ...(p.reason ? { reason: p.reason } : {}),
  }));
}

const next = (cron: Cron, after: number): number | undefined => cron.nextRun(new Date(after))?.getTime();

/** Inside iff some occurrence falls in (t - duration, t]. */
function inside(p: CompiledPeriod, t: number): boolean {
  const start = next(p.cron, t - p.durationMs);
  return start !== undefined && start <= t;
}

/** The next instant after t where the period opens or closes. */
function nextEdge(p: CompiledPeriod, t: number): number {
  const opens = next(p.cron, t) ?? Infinity;
  const started = next(p.cron, t - p.durationMs);
  const closes = started !== undefined ? started + p.durationMs : Infinity;
  return Math.min(opens, closes);
}

export class ScheduleEvaluator {
  private readonly windows: CompiledPeriod[];
  private readonly blackouts: CompiledPeriod[];
  private readonly freezes: { from: number; to: number; reason?: string }[];

  constructor(schedule: DeploySchedule) {
    this.windows = compile(schedule, schedule.windows);
    this.blackouts = compile(schedule, schedule.blackouts);
    this.freezes = (schedule.freezes ?? []).map((f) => ({ from: Date.parse(f.from), to: Date.parse(f.to), ...(f.reason ? { reason: f.reason } : {}) }));
  }

  /** The verdict at t, without changesAt. */
  at(t: number): Omit<ScheduleVerdict, 'changesAt'> {
    const freeze = this.freezes.find((f) => f.from <= t && t < f.to);
    if (freeze) return { open: false, closedBy: 'freeze', ...(freeze.reason ? { reason: freeze.reason } : {}) };
    const blackout = this.blackouts.find((b) => inside(b, t));
    if (blackout) return { open: false, closedBy: 'blackout', ...(blackout.reason ? { reason: blackout.reason } : {}) };
    if (this.windows.length > 0 && !this.windows.some((w) => inside(w, t))) return { open: false, closedBy: 'outsideWindow' };
    return { open: true };
  }

  evaluate(now: number): ScheduleVerdict {
    const verdict = this.at(now);
    const until = now + SCHEDULE_HORIZON_MS;
    let t = now;
    for (let i = 0; i < MAX_BOUNDARIES; i++) {
      t = this.nextBoundary(t);
      if (t > until) break;
      if (this.at(t).open !== verdict.open) return { ...verdict, changesAt: t };
    }
    return verdict;
  }

  private nextBoundary(t: number): number {
    let edge = Infinity;
    for (const p of [...this.windows, ...this.blackouts]) edge = Math.min(edge, nextEdge(p, t));
    for (const f of this.freezes) {
      if (f.from > t) edge = Math.min(edge, f.from);
      if (f.to > t) edge = Math.min(edge, f.to);
    }
    return edge;
  }
}

const verdicts = new Map<string, { from: number; verdict: ScheduleVerdict }>();
const VERDICTS_KEPT = 2_000;

/**
 * The verdict at now. A verdict found at t0 holds unchanged for every t in [t0, changesAt), so
 * it is remembered per schedule: passes every few seconds do not step through cron occurrences.
 */
export function evaluateSchedule(schedule: DeploySchedule, now: number): ScheduleVerdict {
  const key = JSON.stringify(schedule);
  const known = verdicts.get(key);
  if (known && known.from <= now && now < (known.verdict.changesAt ?? known.from + 60_000)) return known.verdict;
  const verdict = new ScheduleEvaluator(schedule).evaluate(now);
  if (verdicts.size >= VERDICTS_KEPT) verdicts.delete(verdicts.keys().next().value as string);
  verdicts.set(key, { from: now, verdict });
  return verdict;
}

/** Whether the schedule constrains anything at all. */
export function hasSchedule(schedule: DeploySchedule | undefined): schedule is DeploySchedule {
  return !!schedule && ((schedule.windows?.length ?? 0) > 0 || (schedule.blackouts?.length ?? 0) > 0 || (schedule.freezes?.length ?? 0) > 0);
}

/** `2026-12-02T08:00Z, Europe/Berlin Wed 09:00`: UTC for logs, local time for people. */
export function describeInstant(t: number, timeZone: string): string {
  const utc = new Date(t).toISOString().replace(/:00\.000Z$/, 'Z').replace(/\.000Z$/, 'Z');
  if (timeZone === 'UTC') return utc;
  const local = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(t));
  return `${utc}, ${timeZone} ${local}`;
}

/** The time zone people read the schedule in: its own, else its first window's or blackout's. */
export function displayTimeZone(schedule: DeploySchedule): string {
  return schedule.timeZone ?? schedule.windows?.[0]?.timeZone ?? schedule.blackouts?.[0]?.timeZone ?? 'UTC';
}
