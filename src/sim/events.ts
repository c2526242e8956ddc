// What happened in the simulated world, in order: the story a scenario test or a rehearsal
// report tells. Traffic itself is not logged (see TrafficStats); state changes are.

export type SimEventKind =
  | 'task.started'
  | 'task.stopped'
  | 'deployment.created'
  | 'deployment.completed'
  | 'deployment.failed'
  | 'deployment.rollback'
  | 'deployment.stage'
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
  | 'fault.ended';

export interface SimEvent {
  /** Epoch ms of the tick (or call) in which it happened. */
  at: number;
  kind: SimEventKind;
  /** What it happened to: a service, target group, record, alarm or fault. */
  subject: string;
  detail: string;
}

export class EventLog {
  readonly list: SimEvent[] = [];

  add(at: number, kind: SimEventKind, subject: string, detail: string): void {
    this.list.push({ at, kind, subject, detail });
  }
}
