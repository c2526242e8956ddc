// How releases look in a terminal: the `get` table and the `describe` page.
import { formatDuration } from '../api/duration.js';
import type { ReleaseManifest } from '../api/manifest.js';
import type { ApprovalsStatus, ReleaseStatus } from '../api/types.js';
import { statusRow, stepLabel, TABLE_COLUMNS, tableLines } from '../server/release-table.js';
import { stepCount } from '../server/releases.js';
import type { OperationRequest } from '../store/store.js';
import { colourLines, gateLines, stepLines } from './rollout-format.js';
import { evidenceLines } from './wait-verdict.js';

export interface NamedStatus {
  name: string;
  status: ReleaseStatus;
  /** apiVersion, kind, metadata and spec; null when no spec is known, undefined when not asked for. */
  release?: ReleaseManifest | null;
}

/** The `get` table of these Releases, AGE at `now`. */
export function formatTable(rows: NamedStatus[], now: number): string {
  return tableLines(
    TABLE_COLUMNS,
    rows.map(({ name, status, release }) => statusRow(name, status, stepCount(release), now)),
  ).join('\n');
}

export function formatDescribe({ name, status, release, pendingOperations }: NamedStatus & { pendingOperations?: OperationRequest[] }, now: number): string {
  const lines: string[] = [
    `Name:              ${name}`,
    `Phase:             ${status.phase}`,
    `Message:           ${status.message ?? ''}`,
    `Stable revision:   ${status.stableRevision ?? '-'}${status.stableColour ? ` (${status.stableColour})` : ''}`,
    `Desired revision:  ${status.desiredRevision ?? '-'}`,
    `Blocked revision:  ${status.blockedRevision ?? '-'}`,
    `Strategy:          ${release ? strategyName(release) : '-'}`,
    `Step:              ${stepLabel(status.currentStepIndex, stepCount(release))}`,
    `Weights:           ${status.weights ? `blue ${status.weights.blue}% / green ${status.weights.green}%` : '-'}`,
    `Warm colour:       ${status.warmColour ? `${status.warmColour.colour} on ${status.warmColour.revision} until ${status.warmColour.scaleDownAt}` : '-'}`,
    `Source revision:   ${status.sourceRevision ?? '-'}`,
    `Generation:        ${status.observedGeneration ?? '-'}`,
    '',
    'Steps:',
    ...stepLines(release, status),
    '',
    'Gates waiting:',
    ...gateLines(status, name),
    '',
    'Colours:',
    ...colourLines(status),
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
  if ((pendingOperations ?? []).length > 0) {
    lines.push('', 'Pending operations:', ...(pendingOperations ?? []).map((o) => `  #${o.seq} ${o.kind}${o.requestedBy ? ` by ${o.requestedBy}` : ''} at ${new Date(o.requestedAt).toISOString()}`));
  }
  lines.push('', 'History:');
  if ((status.history ?? []).length === 0) lines.push('  (none)');
  for (const h of status.history ?? []) {
    lines.push(`  ${h.finishedAt}  ${h.result.padEnd(10)} ${h.fromRevision ?? '?'} → ${h.revision}${h.reason ? `: ${h.reason}` : ''}`);
  }
  lines.push('', `Events (the last ${RECENT_EVENTS}, newest first; keelson history ${name} for all):`, ...eventLines(status));
  return lines.join('\n');
}

/** Who approved which revision, what the gate still waits for, and what was refused. */
function approvalLines(a: ApprovalsStatus): string[] {
  const lines = [`  for ${a.revision}: ${a.granted.length === 0 ? 'none yet' : a.granted.map((g) => `${g.by} at ${g.at}`).join(', ')}`];
  if (a.waiting) lines.push(`  waiting: ${a.waiting.received}/${a.waiting.required}${a.waiting.group ? ` from ${a.waiting.group}` : ''}`);
  for (const r of a.refused ?? []) lines.push(`  refused: ${r.by} at ${r.at}: ${r.reason}`);
  return lines;
}

const RECENT_EVENTS = 10;

/** The newest audit entries: who did what to which revision, and the controller's own decisions. */
function eventLines(status: ReleaseStatus): string[] {
  const entries = [...(status.audit?.entries ?? [])].slice(-RECENT_EVENTS).reverse();
  if (entries.length === 0) return ['  (none)'];
  return entries.map((e) => `  ${e.at}  ${e.by.padEnd(10)} ${e.what.padEnd(16)} ${e.fromRevision ? `${e.fromRevision} → ` : ''}${e.revision ?? '-'}  ${e.detail}`.trimEnd());
}

function strategyName(release: ReleaseManifest): string {
  const { canary, blueGreen } = release.spec.strategy;
  return canary ? 'canary' : blueGreen ? 'blueGreen' : 'rolling';
}
