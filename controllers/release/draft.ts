// The working copy of one pass: the status being built, the actions chosen, the events to tell.
import type { ConditionHealth, Phase, Release, ReleaseStatus } from '../../src/api/types.js';
import type { RolloutEvent } from '../../src/notify/events.js';
import type { OperationRequest } from '../../src/store/store.js';
import type { Action } from './actions.js';
import type { GateEvidence } from './evidence.js';
import type { ApproverGroups } from './approval-gate.js';
import type { Observation } from './observation.js';
import { servicesOf } from './spec.js';
import { conditionsForPhase, type Reason } from './status.js';

export interface PlanInput {
  release: Release;
  /** Changes exactly when the spec changes. */
  generation: number;
  sourceRevision?: string;
  status: ReleaseStatus;
  observed: Observation;
  /** Conditions assessed this pass (empty when nothing was measured). */
  health: ConditionHealth[];
  /** Operations not yet applied, oldest first. */
  operations: OperationRequest[];
  /** Groups of people who may approve (keelson.yaml `approvers`), by group name. */
  approvers?: ApproverGroups;
  now: number;
  /** What the gates read before plan (digests, the other Release's status, the plaintext check). */
  evidence?: GateEvidence;
}

export interface PlanResult {
  actions: Action[];
  status: ReleaseStatus;
  events: RolloutEvent[];
  /** When the next pass is due; undefined: at the next resync. */
  requeueAfter?: number;
}

export type EventFields = Omit<RolloutEvent, 'release' | 'at' | 'cluster' | 'services' | 'sourceRevision' | 'labels'>;

export class Draft {
  readonly status: ReleaseStatus;
  readonly actions: Action[] = [];
  readonly events: RolloutEvent[] = [];
  /** promote/abort requests of this pass, for the stages to honour. */
  readonly requested: OperationRequest[] = [];
  private wakeAfter: number | undefined;

  constructor(readonly input: PlanInput) {
    this.status = structuredClone(input.status);
  }

  get spec(): Release['spec'] {
    return this.input.release.spec;
  }
  get now(): number {
    return this.input.now;
  }
  get observed(): Observation {
    return this.input.observed;
  }

  /** Takes the first pending request of this kind, if any. */
  take(kind: OperationRequest['kind']): OperationRequest | undefined {
    const i = this.requested.findIndex((op) => op.kind === kind);
    return i < 0 ? undefined : this.requested.splice(i, 1)[0];
  }

  act(action: Action): void {
    this.actions.push(action);
  }

  /** Withdraws the actions of a kind chosen earlier in this pass: a later stage decided otherwise. */
  withdraw(kind: Action['kind']): void {
    for (let i = this.actions.length - 1; i >= 0; i--) if (this.actions[i]?.kind === kind) this.actions.splice(i, 1);
  }

  emit(fields: EventFields): void {
    this.events.push({
      release: this.input.release.metadata.name,
      at: this.now,
      cluster: this.spec.cluster,
      services: servicesOf(this.spec),
      ...(this.input.release.metadata.labels ? { labels: this.input.release.metadata.labels } : {}),
      ...(this.input.sourceRevision ? { sourceRevision: this.input.sourceRevision } : {}),
      ...fields,
    });
  }

  /** Asks for the next pass within ms (the earliest request wins). */
  requeue(ms: number): void {
    const after = Math.max(0, ms);
    this.wakeAfter = this.wakeAfter === undefined ? after : Math.min(this.wakeAfter, after);
  }

  setPhase(phase: Phase, reason: Reason, message: string): void {
    this.status.phase = phase;
    this.status.message = message;
    this.status.conditions = conditionsForPhase(this.status.conditions ?? [], phase, reason, message, this.now);
  }

  result(): PlanResult {
    return {
      actions: this.actions,
      status: this.status,
      events: this.events,
      ...(this.wakeAfter !== undefined ? { requeueAfter: this.wakeAfter } : {}),
    };
  }
}
