// `keelson history`: the audit entries as a table a person reads top to bottom, oldest first.
import type { AuditEntry, RevertEvidence } from '../api/types.js';

const HEADER = ['TIME', 'WHO', 'WHAT', 'REVISION', 'SOURCE REVISION', 'DETAIL'];

export function formatHistory(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'No history yet.';
  const rows = entries.map((e) => [
    e.at.replace('.000Z', 'Z'),
    e.by,
    e.what,
    e.fromRevision ? `${e.fromRevision} → ${e.revision ?? '-'}` : (e.revision ?? '-'),
    e.sourceRevision ?? '-',
    e.evidence ? `${e.detail} [${evidenceText(e.evidence)}]` : e.detail,
  ]);
  // The last column is left unpadded: details are long and run to the line's end.
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [HEADER, ...rows]
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

function evidenceText(e: RevertEvidence): string {
  const parts = [`condition ${e.condition}`];
  if (e.value !== undefined && e.value !== null) parts.push(`value ${e.value}`);
  if (e.threshold) parts.push(`threshold ${e.threshold}`);
  if (e.failFor) parts.push(`for ${e.failFor}`);
  if (e.failingSince) parts.push(`failing since ${e.failingSince}`);
  return parts.join(', ');
}
