// How releases look in a terminal: the `get` table and the `describe` page.
import { formatDuration } from '../api/duration.js';
import type { ApprovalsStatus, ReleaseStatus } from '../api/types.js';
import { summarize, type ReleaseSummary } from '../server/releases.js';
import { evidenceLines } from './wait-verdict.js';

export interface NamedStatus {
  name: string;
  status: ReleaseStatus;
}

export function formatTable(rows: NamedStatus[], now: number): string {
  return formatSummaryTable(
    rows.map(({ name, status }) => summarize(name, status, now)),
    now,
  );
}

/** The `get` table from the list's summaries (what GET /api/v1/releases answers). */
export function formatSummaryTable(rows: ReleaseSummary[], now: number): string {
  const header = ['NAME', 'PHASE', 'STEP', 'WEIGHTS', 'STABLE → DESIRED', 'AGE'];
  const body = rows.map((row) => [
    row.name,
    row.phase,
    row.step === null ? '-' : String(row.step + 1),
    row.weights ? `${row.weights.blue}/${row.weights.green}` : '-',
    `${row.stableRevision ?? '?'} → ${row.desiredRevision ?? '?'}${row.blockedRevision ? ` (blocked ${row.blockedRevision})` : ''}`,
    row.firstTransitionTime === null ? '-' : formatDuration(now - Date.parse(row.firstTransitionTime)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  return [header, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatDescribe({ name, status }: NamedStatus, now: number): string {
  const lines: string[] = [
    `Name:              ${name}`,
    `Phase:             ${status.phase}`,
    `Message:           ${status.message ?? ''}`,
    `Stable revision:   ${status.stableRevision ?? '-'}${status.stableColour ? ` (${status.stableColour})` : ''}`,
    `Desired revision:  ${status.desiredRevision ?? '-'}`,
    `Blocked revision:  ${status.blockedRevision ?? '-'}`,
    `Step:              ${status.currentStepIndex === null || status.currentStepIndex === undefined ? '-' : status.currentStepIndex + 1}`,
    `Weights:           ${status.weights ? `blue ${status.weights.blue}% / green ${status.weights.green}%` : '-'}`,
    `Warm colour:       ${status.warmColour ? `${status.warmColour.colour} on ${status.warmColour.revision} until ${status.warmColour.scaleDownAt}` : '-'}`,
    `Source revision:   ${status.sourceRevision ?? '-'}`,
    `Generation:        ${status.observedGeneration ?? '-'}`,
    '',
    'Conditions:',
    ...(status.conditions ?? []).map((c) => `  ${c.type.padEnd(12)} ${c.status.padEnd(7)} ${c.reason.padEnd(22)} ${c.message} (${formatDuration(now - Date.parse(c.lastTransitionTime))} ago)`),
    '',
    'Health:',
    ...((status.health ?? []).length === 0 ? ['  (measured during rollouts)'] : []),
    ...(status.health ?? []).map((h) => `  ${h.name.padEnd(20)} ${h.state.padEnd(8)} ${h.value ?? '-'}${h.threshold ? ` (${h.threshold})` : ''}${h.message ? `  ${h.message}` : ''}`),
  ];
  if (status.approvals) lines.push('', 'Approvals:', ...approvalLines(status.approvals));
  const evidence = evidenceLines(status);
  if (evidence.length > 0) lines.push('', 'Last revert:', ...evidence.map((l) => `  ${l}`));
  lines.push('', 'History:');
  if ((status.history ?? []).length === 0) lines.push('  (none)');
  for (const h of status.history ?? []) {
    lines.push(`  ${h.finishedAt}  ${h.result.padEnd(10)} ${h.fromRevision ?? '?'} → ${h.revision}${h.reason ? `: ${h.reason}` : ''}`);
  }
  return lines.join('\n');
}

/** Who approved which revision, what the gate still waits for, and what was refused. */
function approvalLines(a: ApprovalsStatus): string[] {
  const lines = [`  for ${a.revision}: ${a.granted.length === 0 ? 'none yet' : a.granted.map((g) => `${g.by} at ${g.at}`).join(', ')}`];
  if (a.waiting) lines.push(`  waiting: ${a.waiting.received}/${a.waiting.required}${a.waiting.group ? ` from ${a.waiting.group}` : ''}`);
  for (const r of a.refused ?? []) lines.push(`  refused: ${r.by} at ${r.at}: ${r.reason}`);
  return lines;
}
