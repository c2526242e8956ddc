// One log line with its code for each job that failed: a failed postPromote job reverts nothing,
// so the log, the event and status are how anyone learns of it.
import type { Logger } from 'pino';
import type { RolloutEvent } from '../../../src/notify/events.js';

export function logJobFailures(log: Logger, events: readonly RolloutEvent[]): void {
  for (const event of events) {
    if (event.type !== 'JobFailed' || !event.job) continue;
    log.warn({ code: 'JobFailed', job: event.job, revision: event.toRevision }, event.message);
  }
}
