// Checks of a deployment schedule the schema cannot make: the cron expression parses, the time
// zone exists, a freeze ends after it begins. Shared by Releases and keelson.yaml's source defaults.
import { compileCron, isTimeZone } from '../schedule/deploy-schedule.js';
import { parseDuration } from './duration.js';
import type { DeploySchedule, RecurringPeriod } from './types.js';

export interface ScheduleProblem {
  /** Path segments below the schedule. */
  at: (string | number)[];
  message: string;
}

export function checkSchedule(schedule: DeploySchedule | undefined): ScheduleProblem[] {
  if (!schedule) return [];
  const out: ScheduleProblem[] = [];
  const zoneOk = schedule.timeZone === undefined || isTimeZone(schedule.timeZone);
  if (!zoneOk) out.push({ at: ['timeZone'], message: unknownZone(schedule.timeZone as string) });
  for (const list of ['windows', 'blackouts'] as const) {
    (schedule[list] ?? []).forEach((period, i) => out.push(...checkPeriod(period, zoneOk ? (schedule.timeZone ?? 'UTC') : 'UTC', [list, i])));
  }
  (schedule.freezes ?? []).forEach((freeze, i) => {
    if (Date.parse(freeze.to) <= Date.parse(freeze.from)) {
      out.push({ at: ['freezes', i, 'to'], message: `${freeze.to} is not later than from (${freeze.from}): the freeze would never hold` });
    }
  });
  return out;
}

function checkPeriod(period: RecurringPeriod, inherited: string, at: (string | number)[]): ScheduleProblem[] {
  if (period.timeZone !== undefined && !isTimeZone(period.timeZone)) return [{ at: [...at, 'timeZone'], message: unknownZone(period.timeZone) }];
  if (!(parseDuration(period.duration) > 0)) return [{ at: [...at, 'duration'], message: 'must be longer than 0s: a period of no length never holds or allows anything' }];
  try {
    compileCron(period.cron, period.timeZone ?? inherited);
    return [];
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern: /, '');
    return [{ at: [...at, 'cron'], message: `${JSON.stringify(period.cron)} is not a cron expression (minute hour day-of-month month day-of-week): ${why}` }];
  }
}

const unknownZone = (name: string): string => `${JSON.stringify(name)} is not a known IANA time zone (e.g. Europe/Berlin, America/Los_Angeles, UTC)`;
