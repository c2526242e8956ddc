// The alarm condition: a CloudWatch alarm in ALARM is failing, OK is passing, and
// INSUFFICIENT_DATA (or an alarm that does not exist) is no data.
import type { AlarmCheck } from '../api/types.js';
import type { AlarmInfo, MetricsPort } from '../cloud/ports.js';
import { errorText, failed, noData, passed, type Measurement, type MeasurementBase, type NamedCheck } from './measurement.js';

/** One DescribeAlarms for every alarm condition of the pass. */
export async function measureAlarms(
  conditions: readonly NamedCheck<AlarmCheck>[],
  metrics: MetricsPort,
  now: number,
): Promise<Measurement[]> {
  if (conditions.length === 0) return [];
  const bases = conditions.map(({ name }) => ({ name, threshold: 'OK', at: now }));
  let alarms: AlarmInfo[];
  try {
    alarms = await metrics.describeAlarms([...new Set(conditions.map((c) => c.check.name))]);
  } catch (err) {
    return bases.map((base) => noData(base, `could not describe alarms: ${errorText(err)}`));
  }
  const byName = new Map(alarms.map((a) => [a.name, a]));
  return conditions.map(({ check }, i) => judgeAlarm(bases[i] as MeasurementBase, check, byName.get(check.name)));
}

export function judgeAlarm(base: MeasurementBase, check: AlarmCheck, alarm: AlarmInfo | undefined): Measurement {
  if (!alarm) return noData(base, `alarm ${check.name} not found`);
  const reason = alarm.reason ? `: ${alarm.reason}` : '';
  switch (alarm.state) {
    case 'ALARM':
      // The alarm's own evaluation already waited its periods: the streak starts at its change.
      return { ...failed(base, null, `alarm ${check.name} is in ALARM${reason}`), badSince: alarm.updatedAt };
    case 'OK':
      return passed(base, null, `alarm ${check.name} is OK`);
    case 'INSUFFICIENT_DATA':
      return noData(base, `alarm ${check.name} has INSUFFICIENT_DATA${reason}`);
  }
}
