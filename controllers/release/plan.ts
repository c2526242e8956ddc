// plan(): the decision of one pass, a pure function of spec, status, observation and time.
import { sameRevision } from '../../src/cloud/task-definition-ref.js';
import { Draft, type PlanInput, type PlanResult } from './draft.js';
import { recordDigests, recordStable } from './digest-status.js';
import { recordHealth, wakeWhenStreaksCount } from './health-status.js';
import { describeGaps } from './observation.js';
import { keepApprovalsOfDesired, recordApproval } from './approvals.js';
import { recordAudit } from './audit.js';
import { REASONS, removeCondition, setCondition } from './status.js';
import { planRolling } from './strategies/rolling.js';
import { planTwoColour } from './strategies/two-colour.js';
import { strategyKind } from './spec.js';
import { recordWindow } from './window-gate.js';
import { recordRestartRequest } from './restart.js';
import { planJobsAfterStrategy } from './jobs/after-promotion.js';
import { forgetPreDeploy } from './jobs/runs.js';

export type { PlanInput, PlanResult } from './draft.js';

export function plan(input: PlanInput): PlanResult {
  const draft = new Draft(input);
  const { status } = draft;
  status.desiredRevision = input.observed.desiredRevision;
  if (status.blockedRevision && !sameRevision(status.blockedRevision, status.desiredRevision)) {
    // The spec moved on from the revision that failed: it is no longer held back.
    status.blockedRevision = null;
  }
  recordHealth(draft);
  keepApprovalsOfDesired(draft);
  applyOperations(draft);
  recordDigests(draft);
  recordRestartRequest(draft);
  recordWindow(draft);

  if (strategyKind(input.release.spec) === 'rolling') planRolling(draft);
  else planTwoColour(draft);
  planJobsAfterStrategy(draft);
  wakeWhenStreaksCount(draft);
  recordObservation(draft);
  recordStable(draft);

  status.observedGeneration = input.generation;
  if (input.sourceRevision) status.sourceRevision = input.sourceRevision;
  recordAudit(draft);
  return draft.result();
}

/** Retry unblocks at once; promote and abort are left on the draft for the strategy's stages. */
function applyOperations(draft: Draft): void {
  for (const op of draft.input.operations) {
    if (op.seq <= (draft.status.lastOperationSeq ?? 0)) continue;
    draft.status.lastOperationSeq = op.seq;
    if (op.kind === 'retry' && op.rerunJobs) forgetPreDeploy(draft.status, draft.status.blockedRevision ?? draft.status.desiredRevision);
    if (op.kind === 'retry') draft.status.blockedRevision = null;
    else if (op.kind === 'approve') recordApproval(draft, op);
    else draft.requested.push(op);
  }
}

/** ObservationIncomplete says, while true, which reads failed and with what code. */
function recordObservation(draft: Draft): void {
  const gaps = draft.observed.unread ?? [];
  const conditions = draft.status.conditions ?? [];
  draft.status.conditions = gaps.length === 0
    ? removeCondition(conditions, 'ObservationIncomplete')
    : setCondition(conditions, 'ObservationIncomplete', 'True', REASONS.ReadFailed, `could not read ${describeGaps(gaps)}`, draft.now);
}
