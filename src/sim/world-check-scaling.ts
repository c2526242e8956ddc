// Checks a scalable target's policies and scheduled actions: names unique, a step policy's alarm
// in the world, a target tracking metric that resolves, schedules that parse.

import { targetGroupDimension } from './arns.js';
import { parseSchedule, ScheduleError } from './scaling-schedule.js';
import type { WorldScalableTarget } from './world.js';

type Path = (string | number)[];

export function checkScaling(
  t: WorldScalableTarget,
  at: Path,
  known: { alarms: ReadonlySet<string>; targetGroups: readonly string[] },
  fail: (path: Path, message: string) => void,
): void {
  const policyNames = new Set<string>();
  (t.policies ?? []).forEach((p, j) => {
    const path = [...at, 'policies', j];
    if (policyNames.has(p.name)) fail([...path, 'name'], `policy ${p.name} is defined twice`);
    policyNames.add(p.name);
    if (p.stepScaling && !known.alarms.has(p.stepScaling.alarm)) fail([...path, 'stepScaling', 'alarm'], `alarm ${p.stepScaling.alarm} is not in alarms`);
    if (p.stepScaling?.minAdjustmentMagnitude !== undefined && p.stepScaling.adjustmentType !== 'PercentChangeInCapacity') {
      fail([...path, 'stepScaling', 'minAdjustmentMagnitude'], 'applies only to adjustmentType PercentChangeInCapacity');
    }
    const tt = p.targetTracking;
    if (!tt) return;
    if ((tt.predefinedMetric === undefined) === (tt.customizedMetric === undefined)) fail([...path, 'targetTracking'], 'needs exactly one of predefinedMetric and customizedMetric');
    if (tt.predefinedMetric === 'ALBRequestCountPerTarget') {
      const group = tt.resourceLabel?.split('/').slice(3).join('/');
      if (!tt.resourceLabel) fail([...path, 'targetTracking', 'resourceLabel'], 'is required for ALBRequestCountPerTarget');
      else if (!known.targetGroups.some((arn) => targetGroupDimension(arn) === group)) fail([...path, 'targetTracking', 'resourceLabel'], `target group ${group} is not in targetGroups`);
    }
  });
  const actionNames = new Set<string>();
  (t.scheduledActions ?? []).forEach((a, j) => {
    const path = [...at, 'scheduledActions', j];
    if (actionNames.has(a.name)) fail([...path, 'name'], `scheduled action ${a.name} is defined twice`);
    actionNames.add(a.name);
    try {
      parseSchedule(a.schedule, a.timezone ?? 'UTC');
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      fail([...path, a.timezone !== undefined && err.message.startsWith('time zone') ? 'timezone' : 'schedule'], err.message);
    }
    if (a.minCapacity === undefined && a.maxCapacity === undefined) fail(path, 'needs minCapacity or maxCapacity');
    if (a.minCapacity !== undefined && a.maxCapacity !== undefined && a.minCapacity > a.maxCapacity) fail([...path, 'minCapacity'], 'must not exceed maxCapacity');
    if (a.startTime && a.endTime && Date.parse(a.startTime) > Date.parse(a.endTime)) fail([...path, 'endTime'], 'must not be before startTime');
  });
}
