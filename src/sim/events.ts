// What happened in the simulated world, in order: the story a scenario test or a rehearsal
// report tells. Traffic itself is not logged (see TrafficStats); state changes are.

export type SimEventKind =
  | 'task.started'
  | 'task.stopped'
  | 'deployment.created'
  | 'deployment.completed'
  | 'deployment.failed'
  | 'service.scaled'
  | 'taskDefinition.registered'
  | 'weights.changed'
  | 'record.changed'
  | 'record.insync'
  | 'record.effective'
  | 'target.health'
  | 'alarm.state'
  | 'scaling.target'
  | 'fault.started'
  | 'fault.ended'
  | 'service.status'
  | 'targetGroup.deleted'
  | 'call.rejected'
  | 'operator.action';

export interface SimEvent {
  /** Epoch ms of the tick (or call) in which it happened. */
  at: number;
  kind: SimEventKind;
  /** What it happened to: a service, target group, record, alarm or fault. */
  subject: string;
  detail: string;
  /** How many calls one `call.rejected` event stands for (they are counted per second). */
  count?: number;
}

export class EventLog {
  readonly list: SimEvent[] = [];

  add(at: number, kind: SimEventKind, subject: string, detail: string): void {
    this.list.push({ at, kind, subject, detail });
  }

  /**
   * A call AWS refused. Rejections are counted per second, operation and error rather than
   * logged one by one, so a throttling storm stays a few lines.
   */
  addRejected(at: number, operation: string, error: string): void {
    const second = Math.floor(at / 1000) * 1000;
    const key = `${second}|${operation}|${error}`;
    const same = this.lastRejected.get(key);
    if (same) {
      same.count = (same.count ?? 1) + 1;
      return;
    }
    const event: SimEvent = { at: second, kind: 'call.rejected', subject: operation, detail: error, count: 1 };
    // Only the current second's rejections can still grow.
    if (this.rejectedSecond !== second) {
      this.lastRejected.clear();
      this.rejectedSecond = second;
    }
    this.lastRejected.set(key, event);
    this.list.push(event);
  }

  private readonly lastRejected = new Map<string, SimEvent>();
  private rejectedSecond: number | undefined;
}
