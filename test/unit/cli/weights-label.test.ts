// `keelson get` and `keelson describe` write a Release's weights the same way.
import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { formatDescribe } from '../../../src/cli/format.js';
import { summaryRow, TABLE_COLUMNS, tableLines, weightsLabel } from '../../../src/server/release-table.js';
import { summarize, type ReleaseSummary } from '../../../src/server/releases.js';

/** The `get` table a server too old for view=table gives the CLI, made from its summaries. */
const summaryTable = (rows: ReleaseSummary[], now: number): string => tableLines(TABLE_COLUMNS, rows.map((r) => summaryRow(r, now))).join('\n');

const status = {
  phase: 'Progressing',
  weights: { blue: 90, green: 10 },
  stableColour: 'blue',
  stableRevision: 'web:41',
  desiredRevision: 'web:42',
  rollout: { colour: 'green', revision: 'web:42' },
} as ReleaseStatus;

describe('weights', () => {
  it('read blue 90% / green 10% in the get table, the describe page and its colour lines', () => {
    expect(weightsLabel(status.weights)).toBe('blue 90% / green 10%');
    const [, row] = summaryTable([summarize('web', status, 0)], 0).split('\n');
    expect(row).toContain('blue 90% / green 10%');
    const page = formatDescribe({ name: 'web', status, release: null }, 0).split('\n');
    expect(page).toContain('Weights:           blue 90% / green 10%');
    expect(page).toEqual(expect.arrayContaining([expect.stringMatching(/^ {2}blue +stable +web:41 +90%$/), expect.stringMatching(/^ {2}green +canary +web:42 +10%$/)]));
  });
});
