// ECS deployment alarms (deploymentConfiguration.alarms): while a deployment is under way ECS
// polls the named CloudWatch alarms; one in ALARM fails the deployment, and with `rollback` the
// service goes back to the last COMPLETED deployment. Watching starts when a task of the new
// deployment is RUNNING and lasts through the bake after steady state (rolling update) or the
// bake after the production traffic shift (blue/green family).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html

import type { AlarmState } from '../cloud/ports.js';
import type { SimDeployment } from './ecs-model.js';

/** What the watch needs to know of an alarm. */
export interface WatchedAlarm {
  state: AlarmState;
  periodSeconds: number;
  evaluationPeriods: number;
}

export type AlarmLookup = (name: string) => WatchedAlarm | undefined;

export class DeploymentAlarmWatch {
  constructor(private readonly lookup: AlarmLookup) {}

  /**
   * Whether ECS watches this deployment's alarms now: the PRIMARY one, in progress, with a task
   * that has reached RUNNING, not yet cleaning up. A rollback is not failed again by the alarms
   * that caused it (AWS does not say what it does there; this keeps the rollback going).
   */
  watches(d: SimDeployment): boolean {
    const alarms = d.settings.alarms;
    return (
      alarms?.enable === true &&
      alarms.alarmNames.length > 0 &&
      d.status === 'PRIMARY' &&
      d.rolloutState === 'IN_PROGRESS' &&
      d.rollingBack !== true &&
      d.firstRunningAt !== undefined &&
      d.shift?.stage !== 'CLEAN_UP'
    );
  }

  /** The configured alarms in ALARM now; an alarm that does not exist never fires. */
  firing(d: SimDeployment): string[] {
    return (d.settings.alarms?.alarmNames ?? []).filter((name) => this.lookup(name)?.state === 'ALARM');
  }

  /**
   * The bake of a rolling update: ECS computes it from the alarms' configuration and does not
   * publish how; the simulator takes the longest evaluation window (period × evaluation
   * periods) among the named alarms, so that each alarm sees a full window of the new revision.
   */
  rollingBakeMs(d: SimDeployment): number {
    let longest = 0;
    for (const name of d.settings.alarms?.alarmNames ?? []) {
      const alarm = this.lookup(name);
      if (alarm) longest = Math.max(longest, alarm.periodSeconds * 1000 * alarm.evaluationPeriods);
    }
    return longest;
  }

  /**
   * Rolling update at steady state: true while the alarm bake holds it IN_PROGRESS (the old
   * deployment stays listed until then). The bake starts the first time steady state is seen.
   */
  holdsCompletion(d: SimDeployment, now: number): boolean {
    if (!this.watches(d)) return false;
    d.alarmBakeEndsAt ??= now + this.rollingBakeMs(d);
    return now < d.alarmBakeEndsAt;
  }
}
