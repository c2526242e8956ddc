// The `keelson get` table, made where the statuses are. The server answers
// GET /api/v1/releases?view=table with these cells (as kubectl asks an API server for a Table), so
// a list of thousands travels as short rows instead of whole summaries; the CLI reading a state
// store makes the same cells itself.
import { formatDuration } from '../api/duration.js';
import type { ReleaseStatus } from '../api/types.js';
import { transitionsOf, type ReleaseSummary } from './releases.js';

export const TABLE_COLUMNS = ['NAME', 'PHASE', 'STEP', 'WEIGHTS', 'STABLE → DESIRED', 'AGE'] as const;

/** One Release: a cell per column of TABLE_COLUMNS, AGE last. */
export type TableRow = string[];

/** `2/4`; `bake` after the last step; `2/?` when the spec (and so the count) is not known; `-` when no rollout is under way. */
export function stepLabel(index: number | null | undefined, count: number | null | undefined): string {
  if (index === null || index === undefined) return '-';
  // Past the last step the rollout bakes: all traffic on the new revision, health still watched.
  if (count !== null && count !== undefined && index >= count) return 'bake';
  return `${index + 1}/${count ?? '?'}`;
}

/** Both colours named with their share of traffic, as the dashboard titles its bars and describe writes them: `blue 90% / green 10%`. */
export function weightsLabel(weights: { blue: number; green: number } | null | undefined): string {
  return weights ? `blue ${weights.blue}% / green ${weights.green}%` : '-';
}

function revisionsLabel(stable: string | null | undefined, desired: string | null | undefined, blocked: string | null | undefined): string {
  return `${stable ?? '?'} → ${desired ?? '?'}${blocked ? ` (blocked ${blocked})` : ''}`;
}

/** AGE: how long since the Release's first condition changed; `-` when it has none. */
function ageLabel(firstAt: number, now: number): string {
  return Number.isFinite(firstAt) ? formatDuration(now - firstAt) : '-';
}

/**
 * The row of a summary (what the list's `view=summary` gives, read from a server too old for
 * `view=table`). AGE is
 * counted on the clock the summary was made with (its lastTransitionTime + ageSeconds), `now`
 * only when it says nothing: a simulated world's clock may run ahead of the reader's.
 */
export function summaryRow(row: ReleaseSummary, now: number): TableRow {
  const firstAt = row.firstTransitionTime === null ? NaN : Date.parse(row.firstTransitionTime);
  const madeAt = row.lastTransitionTime !== null && row.ageSeconds !== null ? Date.parse(row.lastTransitionTime) + row.ageSeconds * 1_000 : now;
  return [row.name, row.phase, stepLabel(row.step, row.steps), weightsLabel(row.weights), revisionsLabel(row.stableRevision, row.desiredRevision, row.blockedRevision), ageLabel(firstAt, madeAt)];
}

interface CachedRow {
  name: string;
  steps: number | null;
  /** The row's JSON up to its AGE cell: `["name","Healthy",…,` */
  head: string;
  firstAt: number;
}

/**
 * Rows of frozen statuses (the store's shared objects), by identity: a frozen status cannot change,
 * so a list of thousands serializes only the Releases that changed since the last one, and the
 * AGE cell, which moves with the clock.
 */
const rowsOfFrozen = new WeakMap<ReleaseStatus, CachedRow>();

/** Every cell of a Release's row but AGE, and when its first condition changed (NaN: never). */
function statusCells(name: string, status: ReleaseStatus, steps: number | null): { cells: string[]; firstAt: number } {
  const first = transitionsOf(status).first;
  return {
    cells: [name, status.phase, stepLabel(status.currentStepIndex, steps), weightsLabel(status.weights), revisionsLabel(status.stableRevision, status.desiredRevision, status.blockedRevision)],
    firstAt: first === null ? NaN : Date.parse(first),
  };
}

/** A Release's row from its status, AGE at `now`. */
export function statusRow(name: string, status: ReleaseStatus, steps: number | null, now: number): TableRow {
  const { cells, firstAt } = statusCells(name, status, steps);
  return [...cells, ageLabel(firstAt, now)];
}

/** The JSON of one Release's row, as the server sends it in `rows`. */
export function tableRowJson(name: string, status: ReleaseStatus, steps: number | null, now: number): string {
  let row = rowsOfFrozen.get(status);
  if (!row || row.name !== name || row.steps !== steps) {
    const { cells, firstAt } = statusCells(name, status, steps);
    row = { name, steps, head: `${JSON.stringify(cells).slice(0, -1)},`, firstAt };
    if (Object.isFrozen(status)) rowsOfFrozen.set(status, row);
  }
  return `${row.head}${JSON.stringify(ageLabel(row.firstAt, now))}]`;
}

/** One page of GET /api/v1/releases?view=table: the `keelson get` table, a row of cells (strings) per Release. */
export interface ReleaseTableBody {
  columns: string[];
  rows: string[][];
  continue?: string;
  labelsUnknown?: string[];
}

/** The table as lines: a header, then one line per row, columns two spaces apart, no trailing blanks. */
export function tableLines(columns: readonly string[], rows: readonly TableRow[]): string[] {
  const widths = columns.map((c) => c.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const length = row[i]?.length ?? 0;
      if (length > widths[i]!) widths[i] = length;
    }
  }
  const line = (cells: readonly string[]): string => {
    let text = '';
    for (let i = 0; i < widths.length; i++) {
      const cell = cells[i] ?? '';
      text += i === widths.length - 1 ? cell : `${cell.padEnd(widths[i]!)}  `;
    }
    return text.trimEnd();
  };
  const lines = [line(columns)];
  for (const row of rows) lines.push(line(row));
  return lines;
}
