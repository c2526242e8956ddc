// AGE in `keelson get` is measured on the clock the summary was made with: a simulated world run
// faster than the wall clock (`keelson run --cloud sim --speed 60`) stamps its transitions ahead
// of the terminal's clock, and every row read 0s.
import { describe, expect, it } from 'vitest';
import type { ConditionType, ReleaseStatus } from '../../../src/api/types.js';
import { summaryRow, TABLE_COLUMNS, tableLines } from '../../../src/server/release-table.js';
import { summarize, type ReleaseSummary } from '../../../src/server/releases.js';

/** The `get` table a server too old for view=table gives the CLI, made from its summaries. */
const summaryTable = (rows: ReleaseSummary[], now: number): string => tableLines(TABLE_COLUMNS, rows.map((r) => summaryRow(r, now))).join('\n');

const wallNow = Date.parse('2026-03-02T09:00:00Z');

const TYPES: ConditionType[] = ['Ready', 'Progressing'];

function statusWith(transitions: number[]): ReleaseStatus {
  return {
    phase: 'Progressing',
    conditions: transitions.map((at, i) => ({ type: TYPES[i]!, status: 'True' as const, reason: 'R', message: '', lastTransitionTime: new Date(at).toISOString() })),
  };
}

const ageColumn = (line: string | undefined): string => line!.trim().split(/\s+/).at(-1)!;

describe('keelson get AGE', () => {
  it('is the age on the server clock, even when that clock runs a day ahead of the terminal', () => {
    const serverNow = wallNow + 24 * 3_600_000;
    const row = summarize('web', statusWith([serverNow - 150_000, serverNow - 30_000]), serverNow);
    expect(ageColumn(summaryTable([row], wallNow).split('\n')[1])).toBe('2m30s');
  });

  it('is the same as before when both clocks agree', () => {
    const row = summarize('web', statusWith([wallNow - 3_723_000]), wallNow);
    expect(ageColumn(summaryTable([row], wallNow).split('\n')[1])).toBe('1h2m3s');
  });

  it('shows - for a Release with no transition yet', () => {
    const row = summarize('web', { phase: 'Pending' } as ReleaseStatus, wallNow);
    expect(ageColumn(summaryTable([row], wallNow).split('\n')[1])).toBe('-');
  });
});
