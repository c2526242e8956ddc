// Faults on a schedule: API calls that fail (throttling, server errors, timeouts), revisions
// that turn bad, target groups whose targets fail health checks. Windows are [from, to).

import { parseDuration } from '../api/duration.js';
import { CloudError } from '../cloud/errors.js';
import type { SimContext } from './context.js';
import type { Random } from './random.js';
import type { ApiFault, BehaviourChange, FaultService, WorldFault } from './world.js';

/** What a revision turns into when a fault says so without details. */
export const BAD_REVISION_DEFAULTS: BehaviourChange = { errorRate: 0.3, ready: false };

// As AWS answers (ECS API Reference, Common Errors and Request throttling: ThrottlingException
// is HTTP 400, ServiceUnavailable 503); a timeout is the SDK's own TimeoutError, with no answer.
// The AWS SDK retries all three (see sdk-retry.ts); what it would see travels as the cause.
const API_ERRORS = {
  throttle: { code: 'Throttled', message: 'Rate exceeded', awsCode: 'ThrottlingException', httpStatus: 400 },
  serverError: { code: 'Unavailable', message: 'Service unavailable, please retry', awsCode: 'ServiceUnavailable', httpStatus: 503 },
  timeout: { code: 'Timeout', message: 'Request timed out', awsCode: 'TimeoutError', httpStatus: undefined },
} as const;

interface Window {
  from: number;
  to: number;
  label: string;
  started: boolean;
  ended: boolean;
}

interface ScheduledApiFault extends Window {
  fault: ApiFault;
  /** Calls it may still fail (its `count`). */
  left: number;
}

interface ScheduledRevisionFault extends Window {
  taskDefinitionArn: string;
  change: BehaviourChange;
  newTasksOnly: boolean;
}

interface ScheduledTargetFault extends Window {
  targetGroupArn: string;
}

export class FaultSchedule {
  private readonly api: ScheduledApiFault[] = [];
  private readonly revisions: ScheduledRevisionFault[] = [];
  private readonly targets: ScheduledTargetFault[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly start: number,
    private readonly random: Random,
    private readonly taskDefinitionArn: (ref: string) => string,
  ) {}

  /** Schedules a fault; `at` is relative to the simulator's start. */
  add(fault: WorldFault): void {
    const from = this.start + parseDuration(fault.at);
    const to = fault.for ? from + parseDuration(fault.for) : Infinity;
    const base = { from, to, started: false, ended: false };
    switch (fault.kind) {
      case 'revisionTurnsBad': {
        const { kind: _k, taskDefinition, at: _a, for: _f, newTasksOnly, ...change } = fault;
        const arn = this.taskDefinitionArn(taskDefinition);
        const given = Object.keys(change).length > 0;
        this.revisions.push({
          ...base,
          label: `revisionTurnsBad ${taskDefinition}${newTasksOnly ? ' (new tasks)' : ''}`,
          taskDefinitionArn: arn,
          change: given ? change : BAD_REVISION_DEFAULTS,
          newTasksOnly: newTasksOnly === true,
        });
        return;
      }
      case 'targetsUnhealthy':
        this.targets.push({ ...base, label: `targetsUnhealthy ${fault.targetGroup}`, targetGroupArn: fault.targetGroup });
        return;
      default:
        this.api.push({ ...base, label: `${fault.kind} ${fault.service}${fault.operations ? `:${fault.operations.join(',')}` : ''}`, fault, left: fault.count ?? Infinity });
    }
  }

  /** Logs the start and end of each window as time passes. */
  tick(now: number): void {
    for (const w of [...this.api, ...this.revisions, ...this.targets]) {
      if (!w.started && now >= w.from) {
        w.started = true;
        this.ctx.events.add(w.from, 'fault.started', w.label, `until ${Number.isFinite(w.to) ? new Date(w.to).toISOString() : 'the end'}`);
      }
      if (!w.ended && now >= w.to) {
        w.ended = true;
        this.ctx.events.add(w.to, 'fault.ended', w.label, '');
      }
    }
  }

  /** The error an API call made now must fail with, if any. */
  apiError(service: FaultService, operation: string, now: number): CloudError | undefined {
    for (const w of this.api) {
      if (now < w.from || now >= w.to) continue;
      const f = w.fault;
      if (f.service !== service || (f.operations && !f.operations.includes(operation)) || w.left <= 0) continue;
      if ((f.probability ?? 1) < 1 && this.random.next() >= (f.probability ?? 1)) continue;
      w.left--;
      const e = API_ERRORS[f.kind];
      const cause = { name: e.awsCode, ...(e.httpStatus !== undefined ? { $metadata: { httpStatusCode: e.httpStatus } } : {}) };
      return new CloudError(e.code, `${e.message} (${service}:${operation})`, { service, operation, awsCode: e.awsCode, cause });
    }
    return undefined;
  }

  /** `taskStartedAt`: when the task started; a newTasksOnly fault spares tasks started before it. */
  revisionChange(taskDefinitionArn: string, now: number, taskStartedAt?: number): BehaviourChange | undefined {
    for (const w of this.revisions) {
      if (w.taskDefinitionArn !== taskDefinitionArn || now < w.from || now >= w.to) continue;
      if (w.newTasksOnly && (taskStartedAt === undefined || taskStartedAt < w.from)) continue;
      return w.change;
    }
    return undefined;
  }

  targetsUnhealthy(targetGroupArn: string, now: number): boolean {
    return this.targets.some((w) => w.targetGroupArn === targetGroupArn && now >= w.from && now < w.to);
  }

  /** Whether anything changes behaviour at all (lets traffic skip the lookups). */
  get hasRevisionFaults(): boolean {
    return this.revisions.length > 0;
  }
}
