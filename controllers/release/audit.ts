// The audit history: a durable record of what the pass decided, kept in the status the pass writes.
// Entries ride in the same fenced status write as the decision they describe, so a crash before
// that write loses the decision and its entries together (the next pass makes both again), and a
// crash after it keeps both: no entry is lost or written twice.
import { DEFAULTS } from '../../src/api/defaults.js';
import type { AuditEntry, AuditLog } from '../../src/api/types.js';
import type { RolloutEvent } from '../../src/notify/events.js';
import type { Draft } from './draft.js';
import { iso } from './status.js';

/** Who an entry names when no person asked for it. */
export const CONTROLLER = 'keelson';
/** Who an entry names for a spec that changed in its source (the source revision says which change). */
export const SOURCE = 'source';

type NewEntry = Omit<AuditEntry, 'seq'>;

/** Appends this pass's spec change, applied operations and events to status.audit. */
export function recordAudit(d: Draft): void {
  const log: AuditLog = d.status.audit ?? { seq: 0, entries: [] };
  const fresh: NewEntry[] = [...specChange(d, log), ...appliedOperations(d), ...d.events.map(fromEvent)];
  if (fresh.length === 0) return;
  let seq = log.seq;
  const entries = [...log.entries, ...fresh.map((e) => ({ seq: ++seq, ...e }))];
  d.status.audit = { seq, generation: d.input.generation, entries: entries.slice(-DEFAULTS.auditLimit) };
}

function specChange(d: Draft, log: AuditLog): NewEntry[] {
  const { generation, sourceRevision } = d.input;
  if (log.generation === generation) return [];
  return [{
    at: iso(d.now),
    by: SOURCE,
    what: 'SpecChanged',
    revision: d.status.desiredRevision ?? null,
    sourceRevision: sourceRevision ?? null,
    detail: `generation ${generation}${sourceRevision ? ` from ${sourceRevision}` : ''} asks for ${d.status.desiredRevision ?? 'no revision yet'}`,
  }];
}

/**
 * Operations applied this pass. An approve is left to its Approved or ApprovalRefused event,
 * which names the same person and says whether it counted.
 */
function appliedOperations(d: Draft): NewEntry[] {
  const before = d.input.status.lastOperationSeq ?? 0;
  const after = d.status.lastOperationSeq ?? 0;
  return d.input.operations
    .filter((op) => op.seq > before && op.seq <= after && op.kind !== 'approve')
    .map((op) => ({
      at: iso(op.requestedAt),
      by: op.requestedBy ?? 'someone',
      ...(op.requestedVia ? { via: op.requestedVia } : {}),
      what: op.kind,
      revision: d.status.desiredRevision ?? null,
      sourceRevision: d.input.sourceRevision ?? null,
      detail: `keelson ${op.kind === 'promoteFull' ? 'promote --full' : op.kind} (operation #${op.seq})`,
    }));
}

/** Any event, of any type: what other gates add is recorded without being listed here. */
function fromEvent(event: RolloutEvent): NewEntry {
  const reason = event.reason && !event.message.includes(event.reason) ? `: ${event.reason}` : '';
  return {
    at: iso(event.at),
    by: event.by ?? CONTROLLER,
    what: event.type,
    revision: event.toRevision ?? null,
    ...(event.fromRevision !== undefined && event.fromRevision !== event.toRevision ? { fromRevision: event.fromRevision } : {}),
    sourceRevision: event.sourceRevision ?? null,
    detail: `${event.message}${reason}`,
    ...(event.evidence ? { evidence: event.evidence } : {}),
    ...(event.via ? { via: event.via } : {}),
  };
}
