// One pass over one Release: resolve → observe → plan (pure) → execute → write status (always, once,
// whatever failed: a failed pass is visible in status, in one log line with its code, and in metrics).
import type { Logger } from 'pino';
import type { ConditionHealth, Release, ReleaseStatus } from '../../src/api/types.js';
import type { CloudPorts, CloudProvider } from '../../src/cloud/ports.js';
import type { EventSink } from '../../src/notify/events.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { OperationRequest, StatusStore } from '../../src/store/store.js';
import { StoreReads } from '../../src/store/read-batching.js';
import { DEFAULTS } from '../../src/api/defaults.js';
import { parseDuration } from '../../src/api/duration.js';
import { isCloudError } from '../../src/cloud/errors.js';
import { describeAction } from './actions.js';
import { callPriority } from './call-priority.js';
import { gatherEvidence, logUnresolved, type GateEvidence } from './evidence.js';
import type { ApproverGroups } from './approval-gate.js';
import { logRefusedApprovals } from './approvals.js';
import { ActionFailedError, execute, type ActionOutcome } from './execute.js';
import { applyFailure, classifyFailure, clearFailure, RevisionNotFoundError, type PassFailure } from './failure.js';
import { ObservationIncompleteError, type Observation, type UnreadGap } from './observation.js';
import { observe } from './observe.js';
import { plan, type PlanResult } from './plan.js';
import { requireServices, requireTargetGroups } from './preflight.js';
import { resolveOrKeepRevision, TaskDefinitionCache } from './revision.js';
import { sameAsStored } from './same-status.js';
import { healthIntervalMs } from './spec.js';
import { initialStatus, REASONS, setCondition } from './status.js';
import { logJobFailures } from './jobs/log.js';
import { recordJobOutcomes } from './jobs/runs.js';

/** A Release as its source holds it. */
export interface DesiredRelease {
  release: Release;
  generation: number;
  sourceRevision: string;
  /** Why the source could not be read, while it cannot: the last known spec stays in force. */
  sourceStale?: string;
}

export interface HealthInput {
  release: Release;
  status: ReleaseStatus;
  observed: Observation;
  ports: CloudPorts;
  now: number;
}

/** Measures and assesses the Release's conditions for this pass (empty when nothing is rolling out). */
export type HealthEvaluator = (input: HealthInput) => Promise<ConditionHealth[]>;

export interface ReconcilerDeps {
  cloud: CloudProvider;
  store: StatusStore;
  clock: Clock;
  health: HealthEvaluator;
  events: EventSink;
  logger: Logger;
  /** The lease token every status write of `release` carries (its shard's lease when sharded); undefined when this controller must not act on it. */
  fence: (release: string) => { lease: string; token: number } | undefined;
  /** Groups of people who may approve (keelson.yaml `approvers`). */
  approvers?: ApproverGroups;
}

export interface ReconcileResult {
  requeueAfter?: number;
  status: ReleaseStatus;
  actions: ActionOutcome[];
  /** Why the pass failed; its status says so too. A retryable failure is for the queue to back off. */
  failure?: PassFailure;
}

/** What the work queue tells a pass about its own retry. */
export interface PassAttempt {
  /** The backoff the queue waits if this pass fails. */
  backoffMs(): number;
}

export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  readonly code = 'NotLeader';
}

interface PassOutcome {
  desiredRevision?: string;
  /** Absent when the pass failed before plan(). */
  decision?: PlanResult;
  outcomes: ActionOutcome[];
  failure?: PassFailure;
  now: number;
  evidence?: GateEvidence;
  /** Status was written before acting: what the store holds is no longer what the pass read. */
  statusWritten?: boolean;
}

/** A Stalled Release: not looked at again before retryAt unless its spec or an operation changes. */
interface StalledHold {
  generation: number;
  lastOperationSeq: number;
  retryAt: number;
}

export class Reconciler {
  private readonly taskDefinitions = new TaskDefinitionCache();
  private readonly storeReads: StoreReads;
  // In memory on purpose: after a restart or a lease handover, one pass looks at once.
  private readonly stalled = new Map<string, StalledHold>();
  private passes = 0;

  constructor(private readonly deps: ReconcilerDeps) {
    this.storeReads = new StoreReads(deps.store);
  }

  async reconcile(desired: DesiredRelease, attempt?: PassAttempt): Promise<ReconcileResult> {
    const { release } = desired;
    const name = release.metadata.name;
    const fence = this.deps.fence(name);
    if (!fence) throw new NotLeaderError(`not the leader: ${name} is left to the lease holder`);
    const log = this.deps.logger.child({ release: name, reconcileId: ++this.passes, generation: desired.generation });
    this.taskDefinitions.serve(name);
    const stored = await this.storeReads.read(name);
    const previous = stored.status ?? initialStatus();
    const { operations } = stored;
    const held = this.holding(name, desired, operations);
    if (held !== undefined) return { requeueAfter: held, status: previous, actions: [] };

    const pass = await this.pass(desired, previous, operations, fence);
    const { decision, failure, outcomes, now } = pass;
    const status = decision ? decision.status : structuredClone(previous);
    const retryInMs = failure ? this.afterFailure(name, desired, operations, failure, now, attempt) : undefined;
    if (failure) {
      // The status is about the spec of the last clean pass (Flux: observedGeneration).
      if (previous.observedGeneration === undefined) delete status.observedGeneration;
      else status.observedGeneration = previous.observedGeneration;
      if (!decision) status.desiredRevision = pass.desiredRevision ?? namedRevision(failure) ?? status.desiredRevision ?? null;
      applyFailure(status, failure, now, retryInMs);
    } else {
      this.stalled.delete(name);
      clearFailure(status);
    }
    status.conditions = desired.sourceStale
      ? setCondition(status.conditions ?? [], 'SourceReady', 'False', REASONS.SourceStale, `source unavailable, last known spec in force: ${desired.sourceStale}`, now)
      : setCondition(status.conditions ?? [], 'SourceReady', 'True', REASONS.SourceSynced, `spec from ${desired.sourceRevision}`, now);
    recordOutcomes(status, outcomes);
    recordJobOutcomes(status, outcomes);
    for (const o of outcomes) log.info({ action: o.action, result: o.result }, describeAction(o.action));
    if (pass.evidence) logUnresolved(log, pass.evidence);
    const summary = { phase: status.phase, step: status.currentStepIndex, weights: status.weights };
    if (!failure) log.info(summary, status.message ?? status.phase);
    else logFailure(log, failure, summary, status.message ?? failure.message);
    // A pass that changed nothing writes nothing: at thousands of Releases the resync is mostly
    // such passes. Nothing else rides on this write: the lease is renewed by its keeper, and an
    // AWS write is always preceded by its own status write (in pass()), which is never skipped.
    if (pass.statusWritten || !unchanged(stored.status, status, outcomes)) await this.deps.store.putStatus(name, status, fence);
    logJobFailures(log, decision?.events ?? []);
    for (const event of decision?.events ?? []) this.deps.events.emit(event);
    logRefusedApprovals(log, decision?.events ?? []);

    if (failure) return { ...(failure.terminal ? { requeueAfter: retryInMs } : {}), status, actions: outcomes, failure };
    return { ...(decision?.requeueAfter !== undefined ? { requeueAfter: decision.requeueAfter } : {}), status, actions: outcomes };
  }

  /**
   * resolve → observe → plan → execute, in one try: whatever fails comes back as a value. Named
   * resources are checked before the first write, so a missing one stalls with nothing changed.
   */
  private async pass(
    desired: DesiredRelease,
    previous: ReleaseStatus,
    operations: OperationRequest[],
    fence: { lease: string; token: number },
  ): Promise<PassOutcome> {
    const { release } = desired;
    const pass = { priority: callPriority(previous, desired.generation, operations.length) };
    const cloud: CloudProvider = (region) => this.deps.cloud(region, pass);
    const ports = cloud(release.spec.region);
    const out: PassOutcome = { outcomes: [], now: this.deps.clock.now() };
    try {
      const { resolved, missing } = await this.resolveDuringRollout(release, previous, desired.generation, ports);
      out.desiredRevision = missing?.revision ?? resolved.revision;
      const observed = await observe(release, previous, resolved.revision, ports, this.taskDefinitions, resolved.gap ? [resolved.gap] : [], this.deps.clock.now());
      requireServices(release, observed, previous);
      out.now = this.deps.clock.now();
      const health = await this.deps.health({ release, status: previous, observed, ports, now: out.now });
      out.evidence = await gatherEvidence(release, previous, resolved.revision, {
        cloud,
        readStatus: (name) => this.deps.store.getStatus(name),
        taskDefinition: (ref) => this.taskDefinitions.get(ports.ecs, ref, release.metadata.name),
      });
      out.decision = plan({
        release,
        generation: desired.generation,
        sourceRevision: desired.sourceRevision,
        status: previous,
        observed,
        health,
        operations,
        now: out.now,
        evidence: out.evidence,
        ...(this.deps.approvers ? { approvers: this.deps.approvers } : {}),
      });
      if (missing) out.decision.status.desiredRevision = missing.revision;
      await requireTargetGroups(release, observed, out.decision.actions, ports);
      // Status goes first when there is something to do: a store that cannot take it (a full
      // disk) ends the pass before any AWS write, rather than after one it could not record.
      if (out.decision.actions.length > 0) {
        out.statusWritten = true;
        await this.deps.store.putStatus(release.metadata.name, out.decision.status, fence);
      }
      out.outcomes = await execute(release, out.decision.actions, ports);
      // What was read has been acted on (a revert, say); the pass still failed and backs off as
      // one, but no later than health is next due.
      if (observed.unread?.length) throw new ObservationIncompleteError(observed.unread, healthDue(release, out.decision.requeueAfter));
      if (missing) throw missing;
    } catch (err) {
      if (err instanceof ActionFailedError) out.outcomes = err.done;
      out.failure = err instanceof ActionFailedError ? classifyFailure(err.cause, err.action) : classifyFailure(err);
    }
    return out;
  }

  /**
   * The spec's revision. When it names one that does not exist while a rollout is in flight, the
   * rollout it replaced is no longer asked for: it is wound back to the stable revision (as for
   * a newer revision) rather than left running unwatched, and the pass then stalls on the missing one.
   */
  private async resolveDuringRollout(
    release: Release,
    previous: ReleaseStatus,
    generation: number,
    ports: CloudPorts,
  ): Promise<{ resolved: { revision: string; gap?: UnreadGap }; missing?: RevisionNotFoundError }> {
    try {
      return { resolved: await resolveOrKeepRevision(release, previous, generation, ports, this.taskDefinitions) };
    } catch (err) {
      if (!(err instanceof RevisionNotFoundError) || !previous.rollout || !previous.stableRevision) throw err;
      return { resolved: { revision: previous.stableRevision }, missing: err };
    }
  }

  /** The Release is no longer held (gone from its source, or invalid): what was kept for it goes. */
  forget(name: string): void {
    this.taskDefinitions.forget(name);
    this.stalled.delete(name);
  }

  /** While Stalled, resyncs neither read nor write: ms until the slow retry, or undefined to run now. */
  private holding(name: string, desired: DesiredRelease, operations: readonly { seq: number }[]): number | undefined {
    const hold = this.stalled.get(name);
    if (!hold || hold.generation !== desired.generation) return undefined;
    if (operations.some((op) => op.seq > hold.lastOperationSeq)) return undefined;
    const left = hold.retryAt - this.deps.clock.now();
    return left > 0 ? left : undefined;
  }

  /** When the Release is looked at again after this failure. */
  private afterFailure(
    name: string,
    desired: DesiredRelease,
    operations: readonly { seq: number }[],
    failure: PassFailure,
    now: number,
    attempt: PassAttempt | undefined,
  ): number | undefined {
    if (!failure.terminal) {
      const backoff = attempt?.backoffMs();
      // A pass that could not read everything is still due when health is next due.
      const due = failure.error instanceof ObservationIncompleteError ? failure.error.requeueAfter : undefined;
      return backoff === undefined || due === undefined ? backoff : Math.min(backoff, due);
    }
    const retryInMs = parseDuration(DEFAULTS.stalledRetry);
    // Operations this pass saw do not cut the hold short again; only newer ones do.
    const lastOperationSeq = Math.max(0, ...operations.map((op) => op.seq));
    this.stalled.set(name, { generation: desired.generation, lastOperationSeq, retryAt: now + retryInMs });
    return retryInMs;
  }
}

/** Nothing was done and the status is what the store holds already. */
function unchanged(stored: ReleaseStatus | undefined, next: ReleaseStatus, outcomes: readonly ActionOutcome[]): boolean {
  if (!stored || outcomes.length > 0) return false;
  return sameAsStored(stored, next);
}

function namedRevision(failure: PassFailure): string | undefined {
  return failure.error instanceof RevisionNotFoundError ? failure.error.revision : undefined;
}

/** The one line a failed pass logs, with the error code; the stack only for the unexpected. */
function logFailure(log: Logger, failure: PassFailure, summary: object, message: string): void {
  const fields = {
    ...summary,
    code: failure.code,
    reason: failure.reason,
    ...(isCloudError(failure.error) ? { aws: { ...failure.error.details, cause: undefined } } : {}),
    ...(failure.code === 'Internal' ? { err: failure.error } : {}),
  };
  if (failure.terminal || failure.code === 'Internal') log.error(fields, message);
  else log.warn(fields, message);
}

/** When the plan wants the next pass, but never sooner than one health interval: reads are failing. */
function healthDue(release: Release, requeueAfter: number | undefined): number | undefined {
  return requeueAfter === undefined ? undefined : Math.max(requeueAfter, healthIntervalMs(release.spec));
}

/** What only the doing can tell: the Route53 change that now carries the weights. */
function recordOutcomes(status: ReleaseStatus, outcomes: ActionOutcome[]): void {
  for (const o of outcomes) {
    if (o.action.kind === 'setWeights' && o.changeId && status.rollout) {
      status.rollout.trafficChangeId = o.changeId;
      status.rollout.trafficInSyncAt = null;
    }
  }
}
