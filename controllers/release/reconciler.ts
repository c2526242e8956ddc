// One pass over one Release: observe → plan (pure) → execute → write status (always, once).
import type { Logger } from 'pino';
import type { ConditionHealth, Release, ReleaseStatus } from '../../src/api/types.js';
import type { CloudPorts, CloudProvider } from '../../src/cloud/ports.js';
import type { EventSink } from '../../src/notify/events.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { StatusStore } from '../../src/store/store.js';
import { describeAction } from './actions.js';
import { ActionFailedError, execute, type ActionOutcome } from './execute.js';
import type { Observation } from './observation.js';
import { observe } from './observe.js';
import { plan } from './plan.js';
import { resolveRevision, TaskDefinitionCache } from './revision.js';
import { initialStatus, REASONS, setCondition } from './status.js';

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
  /** The lease token every status write carries; undefined when this controller must not act. */
  fence: () => { lease: string; token: number } | undefined;
}

export interface ReconcileResult {
  requeueAfter?: number;
  status: ReleaseStatus;
  actions: ActionOutcome[];
}

export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  readonly code = 'NotLeader';
}

export class Reconciler {
  private readonly taskDefinitions = new TaskDefinitionCache();
  private passes = 0;

  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(desired: DesiredRelease): Promise<ReconcileResult> {
    const { release } = desired;
    const name = release.metadata.name;
    const fence = this.deps.fence();
    if (!fence) throw new NotLeaderError(`not the leader: ${name} is left to the lease holder`);
    const log = this.deps.logger.child({ release: name, reconcileId: ++this.passes, generation: desired.generation });
    const previous = (await this.deps.store.getStatus(name)) ?? initialStatus();
    const operations = await this.deps.store.listOperations(name, previous.lastOperationSeq ?? 0);
    const ports = this.deps.cloud(release.spec.region);

    const desiredRevision = await resolveRevision(release.spec, previous, ports.ecs, this.taskDefinitions);
    const observed = await observe(release, previous, desiredRevision, ports, this.taskDefinitions);
    const now = this.deps.clock.now();
    const health = await this.deps.health({ release, status: previous, observed, ports, now });
    const decision = plan({
      release,
      generation: desired.generation,
      sourceRevision: desired.sourceRevision,
      status: previous,
      observed,
      health,
      operations,
      now,
    });

    const status = decision.status;
    status.conditions = desired.sourceStale
      ? setCondition(status.conditions ?? [], 'SourceReady', 'False', REASONS.SourceStale, `source unavailable, last known spec in force: ${desired.sourceStale}`, now)
      : setCondition(status.conditions ?? [], 'SourceReady', 'True', REASONS.SourceSynced, `spec from ${desired.sourceRevision}`, now);
    // Status goes first when there is something to do: a store that cannot take it (a full disk)
    // ends the pass before any AWS write, rather than after one it could not record.
    if (decision.actions.length > 0) await this.deps.store.putStatus(name, status, fence);
    let outcomes: ActionOutcome[] = [];
    try {
      outcomes = await execute(release, decision.actions, ports);
      return { ...(decision.requeueAfter !== undefined ? { requeueAfter: decision.requeueAfter } : {}), status, actions: outcomes };
    } catch (err) {
      if (err instanceof ActionFailedError) {
        outcomes = err.done;
        status.message = `${status.message ?? ''} (${describeAction(err.action)} failed: ${(err.cause as Error)?.message ?? err.cause}; retrying)`.trim();
      }
      throw err;
    } finally {
      recordOutcomes(status, outcomes);
      for (const o of outcomes) log.info({ action: o.action, result: o.result }, describeAction(o.action));
      log.info({ phase: status.phase, step: status.currentStepIndex, weights: status.weights }, status.message ?? status.phase);
      await this.deps.store.putStatus(name, status, fence);
      for (const event of decision.events) this.deps.events.emit(event);
    }
  }
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
