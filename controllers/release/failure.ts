// How a pass ends when something fails, decided by the error's code, never its text (Flux's
// outcomes): an error retrying cannot fix stalls the Release, anything else is retried after the
// queue's backoff. Either way the failure is written to status.
import { formatDuration } from '../../src/api/duration.js';
import type { ReleaseStatus } from '../../src/api/types.js';
import { CloudError, isCloudError, type CloudErrorCode } from '../../src/cloud/errors.js';
import { describeAction, type Action } from './actions.js';
import { conditionsForPhase, REASONS, removeCondition, setCondition, type Reason } from './status.js';

/** A CloudError code, or `Internal` for anything else (a bug, an unexpected answer). */
export type FailureCode = CloudErrorCode | 'Internal';

export const FAILURE_CODES = [
  'Throttled', 'Unavailable', 'Timeout', 'Conflict', 'NotFound', 'AccessDenied', 'Invalid', 'Internal',
] as const satisfies readonly FailureCode[];

export interface PassFailure {
  code: FailureCode;
  /** Retrying cannot fix it: a person must act, and nothing is written until then. */
  terminal: boolean;
  reason: Reason;
  /** What failed, in a sentence; the AWS message as AWS gave it when terminal. */
  message: string;
  /** The action that was being performed, when the failure was a write. */
  action?: Action;
  error: unknown;
}

/** The task definition the spec names does not exist: a NotFound told apart from other resources. */
export class RevisionNotFoundError extends CloudError {
  constructor(
    readonly revision: string,
    cause: CloudError,
  ) {
    super('NotFound', `task definition ${revision} not found (${cause.message})`, { ...cause.details, cause });
  }
}

// A Route 53 change id is not a resource the spec names: a person has nothing to fix there.
const UNNAMED_NOT_FOUND = new Set(['NoSuchChange']);

const SERVICE_NAMES: Record<string, string> = {
  ecs: 'ECS',
  elbv2: 'ELB',
  elasticloadbalancing: 'ELB',
  route53: 'Route 53',
  cloudwatch: 'CloudWatch',
  autoscaling: 'Application Auto Scaling',
  'application-autoscaling': 'Application Auto Scaling',
};

const RETRYABLE_WORDS: Partial<Record<FailureCode, string>> = {
  Throttled: 'throttled',
  Unavailable: 'unavailable',
  Timeout: 'timed out',
  Conflict: 'met a conflicting change',
  NotFound: 'found nothing',
};

export function classifyFailure(error: unknown, action?: Action): PassFailure {
  const withAction = action ? { action } : {};
  if (!isCloudError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'Internal', terminal: false, reason: REASONS.RetryingAfterError, message, error, ...withAction };
  }
  const stalled = (reason: Reason): PassFailure => ({ code: error.code, terminal: true, reason, message: error.message, error, ...withAction });
  if (error instanceof RevisionNotFoundError) return stalled(REASONS.RevisionNotFound);
  if (error.code === 'AccessDenied') return stalled(REASONS.AccessDenied);
  if (error.code === 'Invalid') return stalled(REASONS.InvalidRequest);
  if (error.code === 'NotFound' && !UNNAMED_NOT_FOUND.has(error.details.awsCode ?? '')) return stalled(REASONS.ResourceNotFound);
  return { code: error.code, terminal: false, reason: REASONS.RetryingAfterError, message: retryableMessage(error), error, ...withAction };
}

/** `ECS DescribeServices throttled`, when the error says which call it was. */
function retryableMessage(error: CloudError): string {
  const { service, operation } = error.details;
  const word = RETRYABLE_WORDS[error.code];
  if (!service || !operation || !word) return error.message;
  return `${SERVICE_NAMES[service] ?? service} ${operation} ${word}`;
}

/**
 * The status a failed pass leaves. Stalled: phase Stalled, `Stalled=True` with the reason and the
 * AWS message. Retried: the phase stays, `Reconciling=True` says what failed and when it runs again.
 * `retryInMs` is the queue's backoff (retryable) or the slow retry (stalled); undefined if unknown.
 */
export function applyFailure(status: ReleaseStatus, failure: PassFailure, now: number, retryInMs: number | undefined): void {
  const doing = failure.action ? ` (${describeAction(failure.action)})` : '';
  const conditions = status.conditions ?? [];
  if (failure.terminal) {
    const detail = `${failure.message}${doing}`;
    const next = retryInMs !== undefined ? `next look in ${formatDuration(retryInMs)}, ` : '';
    status.phase = 'Stalled';
    status.message = `stalled: ${detail}; no AWS writes until it is fixed (${next}or at once on a spec change or keelson retry)`;
    status.conditions = setCondition(
      removeCondition(conditionsForPhase(conditions, 'Stalled', failure.reason, status.message, now), 'Reconciling'),
      'Stalled',
      'True',
      failure.reason,
      detail,
      now,
    );
    return;
  }
  const when = retryInMs !== undefined ? `retrying in ${formatDuration(retryInMs)}` : 'retrying after a backoff';
  status.message = `${failure.message}; ${when}${doing}`;
  status.conditions = setCondition(conditions, 'Reconciling', 'True', failure.reason, status.message, now);
}

/** After a clean pass: the failure conditions appear only while true. */
export function clearFailure(status: ReleaseStatus): void {
  status.conditions = removeCondition(removeCondition(status.conditions ?? [], 'Stalled'), 'Reconciling');
}
