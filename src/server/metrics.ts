// The controller's Prometheus metrics. They live in their own Registry, never prom-client's global
// one, so two controllers in one process (tests, rehearsals) never share counters.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FAILURE_CODES, type FailureCode } from '../../controllers/release/failure.js';
import { PHASES } from '../api/phases.js';
import type { HealthState, ReleaseStatus } from '../api/types.js';
import type { BudgetObserver } from '../cloud/budget/call-budget.js';
import type { EventSink, RolloutEvent, RolloutEventType } from '../notify/events.js';
import type { SourceHealth } from '../runtime/controller.js';
import type { Lane } from '../runtime/work-queue.js';

export type ReconcileResultLabel = 'ok' | 'error' | 'not_leader';
export type NotificationOutcome = 'sent' | 'failed' | 'dropped';

export interface AwsCall {
  service: string;
  operation: string;
  /** `ok`, or the CloudError code (Throttled, AccessDenied, ...). */
  outcome: string;
}

const HEALTH_STATES: readonly HealthState[] = ['Passing', 'Breaching', 'Failing', 'Unknown'];
const COLOURS = ['blue', 'green'] as const;

/** The rollout events that are counted, and their label; step and pause events are not. */
const ROLLOUT_EVENT_LABELS: Partial<Record<RolloutEventType, string>> = {
  RolloutStarted: 'started',
  Promoted: 'promoted',
  Reverted: 'reverted',
  Aborted: 'aborted',
  Superseded: 'superseded',
  DriftCorrected: 'drift_corrected',
  AwaitingApproval: 'awaiting_approval',
  Approved: 'approved',
  ApprovalRefused: 'approval_refused',
};

const AUTH_FAILURE_CODES = ['Unauthorized', 'Forbidden', 'InvalidToken', 'MissingRole', 'NotInScope', 'ApiTokenNotConfigured', 'AuthUnavailable'];

// Passes are usually tens of milliseconds; a slow AWS API can push one to tens of seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

// Most requests pass the budget at once; a resync stretched by it waits seconds, up to maxWait.
const BUDGET_WAIT_BUCKETS = [0, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly reconciles = this.counter('keelson_reconciles_total', 'Reconcile passes by result.', ['result']);
  private readonly reconcileErrors = this.counter(
    'keelson_reconcile_errors_total',
    'Failed reconcile passes by error code: a CloudError code (Throttled, AccessDenied, NotFound, ...) or Internal.',
    ['code'],
  );
  private readonly reconcileDuration = new Histogram({
    name: 'keelson_reconcile_duration_seconds',
    help: 'Time one reconcile pass took.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly rollouts = this.counter('keelson_rollouts_total', 'Rollout events: started, promoted, reverted, aborted, drift_corrected, awaiting_approval, approved, approval_refused.', ['event']);
  private readonly trafficWeight = this.gauge('keelson_traffic_weight_percent', 'Share of traffic each colour of a Release receives.', ['release', 'colour']);
  private readonly healthCondition = this.gauge(
    'keelson_health_condition',
    'Health condition state of a Release: 1 for the current state, 0 for the others.',
    ['release', 'condition', 'state'],
  );
  private readonly releasePhase = this.gauge('keelson_release_phase', 'Phase of a Release: 1 for the current phase, 0 for the others.', ['release', 'phase']);
  private readonly awsCalls = this.counter('keelson_aws_calls_total', 'AWS API calls by service, operation and outcome.', ['service', 'operation', 'outcome']);
  private readonly sourceSyncAge = this.gauge('keelson_source_sync_age_seconds', 'Seconds since a source was last read successfully.', ['source']);
  private readonly sourceReady = this.gauge('keelson_source_ready', '1 when the last read of a source succeeded, else 0.', ['source']);
  private readonly notifications = this.counter('keelson_notifications_total', 'Notifications by outcome.', ['outcome']);
  private readonly stateStoreUp = this.gauge('keelson_state_store_up', '1 while the state store takes writes; 0 from a failed call until a write lands again.', []);
  private readonly jobs = this.counter('keelson_jobs_total', 'Jobs (preDeploy, job and http steps, postPromote) that ended, by hook and result.', ['hook', 'result']);
  private readonly stateStoreErrors = this.counter(
    'keelson_state_store_errors_total',
    'Failed state store calls by error code and cause (ENOSPC, EROFS, EACCES, Locked, ...).',
    ['code', 'reason'],
  );
  private readonly budgetWait = new Histogram({
    name: 'keelson_aws_budget_wait_seconds',
    help: "Time an AWS request waited for keelson's call budget, by service, API and priority (rollout or steady).",
    labelNames: ['service', 'api', 'priority'],
    buckets: BUDGET_WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly budgetTokens = this.gauge('keelson_aws_budget_tokens', "Tokens left in a bucket of keelson's call budget (below 0: requests charged after the fact).", ['service', 'bucket']);
  private readonly budgetTimeouts = this.counter(
    'keelson_aws_budget_timeouts_total',
    "AWS requests that waited longer than cloud.budgets.maxWait for keelson's call budget and failed as Throttled, by service, API and priority.",
    ['service', 'api', 'priority'],
  );
  private readonly shardsHeld = this.gauge('keelson_shards_held', 'Shards whose lease this replica holds and acts on (1 without sharding while the lease is held).', []);
  private readonly shardTransitions = this.counter(
    'keelson_shard_transitions_total',
    'Shards gained or lost, by reason: acquired, handed_over, taken, expired, stopped, conflict.',
    ['reason'],
  );
  /** The work queue's ready keys by lane, read when scraped. */
  private workQueueLanes: (() => Record<Lane, number>) | undefined;
  private readonly workQueueDepth = new Gauge({
    name: 'keelson_work_queue_depth',
    help: 'Releases waiting in the work queue for a pass, by lane: urgent (rollouts, operations, new specs) or steady (resync of settled Releases).',
    labelNames: ['lane'],
    registers: [this.registry],
    collect: () => {
      const lanes = this.workQueueLanes?.() ?? { urgent: 0, steady: 0 };
      for (const lane of ['urgent', 'steady'] as const) this.workQueueDepth.set({ lane }, lanes[lane]);
    },
  });
  private readonly authFailures = this.counter(
    'keelson_http_auth_failures_total',
    'HTTP API requests refused by authentication or authorization, by error code (Unauthorized, Forbidden, InvalidToken, MissingRole, NotInScope, ApiTokenNotConfigured, AuthUnavailable).',
    ['code'],
  );
  /** Health condition names shown per Release, so a condition removed from the spec disappears. */
  private readonly conditionsShown = new Map<string, Set<string>>();

  /**
   * `version`: the running keelson's, for keelson_build_info and, with it, the process's own
   * metrics (CPU, memory, event loop, file descriptors). Left out where several controllers share
   * one process (tests, rehearsals): the process figures would be theirs together.
   */
  constructor(options: { version?: string } = {}) {
    if (options.version !== undefined) {
      this.gauge('keelson_build_info', 'Always 1; its labels say which keelson and Node.js run.', ['version', 'node']).set({ version: options.version, node: process.version }, 1);
      collectDefaultMetrics({ register: this.registry });
    }
    // Zero series from the start, so rate() and alerts see the first increment.
    for (const result of ['ok', 'error', 'not_leader'] satisfies ReconcileResultLabel[]) this.reconciles.inc({ result }, 0);
    for (const code of FAILURE_CODES) this.reconcileErrors.inc({ code }, 0);
    for (const event of Object.values(ROLLOUT_EVENT_LABELS)) this.rollouts.inc({ event }, 0);
    for (const hook of ['preDeploy', 'step', 'postPromote']) for (const result of ['succeeded', 'failed']) this.jobs.inc({ hook, result }, 0);
    this.stateStoreUp.set(1);
    for (const code of AUTH_FAILURE_CODES) this.authFailures.inc({ code }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  recordReconcile(result: ReconcileResultLabel, seconds: number): void {
    this.reconciles.inc({ result });
    this.reconcileDuration.observe(seconds);
  }

  recordReconcileError(code: FailureCode): void {
    this.reconcileErrors.inc({ code });
  }

  recordStatus(release: string, status: ReleaseStatus): void {
    for (const phase of PHASES) this.releasePhase.set({ release, phase }, phase === status.phase ? 1 : 0);
    for (const colour of COLOURS) {
      if (status.weights) this.trafficWeight.set({ release, colour }, status.weights[colour]);
      else this.trafficWeight.remove({ release, colour });
    }
    const previous = this.conditionsShown.get(release) ?? new Set<string>();
    const current = new Set<string>();
    for (const health of status.health ?? []) {
      current.add(health.name);
      for (const state of HEALTH_STATES) this.healthCondition.set({ release, condition: health.name, state }, state === health.state ? 1 : 0);
    }
    for (const gone of previous) if (!current.has(gone)) this.removeCondition(release, gone);
    this.conditionsShown.set(release, current);
  }

  /** Drops every series of a Release that is no longer managed. */
  forgetRelease(release: string): void {
    for (const phase of PHASES) this.releasePhase.remove({ release, phase });
    for (const colour of COLOURS) this.trafficWeight.remove({ release, colour });
    for (const condition of this.conditionsShown.get(release) ?? []) this.removeCondition(release, condition);
    this.conditionsShown.delete(release);
  }

  recordAwsCall(call: AwsCall): void {
    this.awsCalls.inc({ service: call.service, operation: call.operation, outcome: call.outcome });
  }

  /** Records the call budget's waits, bucket levels and waits that ran out. */
  budgetObserver(): BudgetObserver {
    return {
      waited: (call, ms) => this.budgetWait.observe({ service: call.service, api: call.api, priority: call.priority }, ms / 1000),
      tokens: (service, bucket, tokens) => this.budgetTokens.set({ service, bucket }, tokens),
      timedOut: (call) => this.budgetTimeouts.inc({ service: call.service, api: call.api, priority: call.priority }),
    };
  }

  recordStateStoreError(code: string, reason: string): void {
    this.stateStoreErrors.inc({ code, reason });
  }

  recordStateStoreUp(up: boolean): void {
    this.stateStoreUp.set(up ? 1 : 0);
  }

  recordShards(held: number, transition?: string): void {
    this.shardsHeld.set(held);
    if (transition) this.shardTransitions.inc({ reason: transition });
  }

  recordAuthFailure(code: string): void {
    this.authFailures.inc({ code });
  }

  recordNotification(outcome: NotificationOutcome): void {
    this.notifications.inc({ outcome });
  }

  /** Reports the work queue's depth by lane (its stats().lanes) at every scrape. */
  watchWorkQueue(lanes: () => Record<Lane, number>): void {
    this.workQueueLanes = lanes;
  }

  /** Replaces the source series; a source never synced has no age series. */
  recordSources(sources: readonly SourceHealth[], now: number): void {
    this.sourceSyncAge.reset();
    this.sourceReady.reset();
    for (const source of sources) {
      this.sourceReady.set({ source: source.description }, source.ready ? 1 : 0);
      if (source.lastSyncAt !== undefined) this.sourceSyncAge.set({ source: source.description }, Math.max(0, now - source.lastSyncAt) / 1000);
    }
  }

  /** Counts rollout events; never throws, as an EventSink must not. */
  eventSink(): EventSink {
    return {
      emit: (event: RolloutEvent) => {
        const label = ROLLOUT_EVENT_LABELS[event.type];
        if (label) this.rollouts.inc({ event: label });
        if (event.job && (event.type === 'JobSucceeded' || event.type === 'JobFailed')) {
          this.jobs.inc({ hook: event.job.hook, result: event.type === 'JobFailed' ? 'failed' : 'succeeded' });
        }
      },
    };
  }

  private removeCondition(release: string, condition: string): void {
    for (const state of HEALTH_STATES) this.healthCondition.remove({ release, condition, state });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
