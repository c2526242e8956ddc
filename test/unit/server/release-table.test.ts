import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { deepFreeze } from '../../../src/store/deep-freeze.js';
import { summaryRow, tableLines, tableRowJson } from '../../../src/server/release-table.js';
import { summarize } from '../../../src/server/releases.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const at = (iso: string): string => new Date(Date.parse(iso)).toISOString();

const statuses: [string, ReleaseStatus, number | null][] = [
  ['web', { phase: 'Progressing', currentStepIndex: 1, weights: { blue: 90, green: 10 }, stableRevision: 'web:3', desiredRevision: 'web:4', conditions: [{ type: 'Ready', status: 'True', reason: 'x', message: '', lastTransitionTime: at('2026-03-01T11:58:30Z') }] }, 5],
  ['bake', { phase: 'Progressing', currentStepIndex: 5, stableRevision: 'b:1', desiredRevision: 'b:2' }, 5],
  ['api', { phase: 'Degraded', stableRevision: 'api:3', desiredRevision: 'api:4', blockedRevision: 'api:4', conditions: [{ type: 'Ready', status: 'False', reason: 'x', message: '', lastTransitionTime: at('2026-02-27T09:12:00Z') }, { type: 'Progressing', status: 'False', reason: 'x', message: '', lastTransitionTime: at('2026-03-01T11:00:00Z') }] }, null],
  ['new', { phase: 'Pending', message: 'not reconciled yet' }, null],
];

describe('the get table', () => {
  it('is the same row from the server (cached JSON) as from a summary', () => {
    for (const [name, status, steps] of statuses) {
      const release = steps === null ? null : { spec: { strategy: { canary: { steps: Array.from({ length: steps }, (_, i) => ({ setWeight: (i + 1) * (100 / steps) })) } } } };
      const fromSummary = summaryRow(summarize(name, status, NOW, undefined, release as never), NOW);
      expect(JSON.parse(tableRowJson(name, deepFreeze(structuredClone(status)), steps, NOW)), name).toEqual(fromSummary);
    }
    expect(JSON.parse(tableRowJson('web', statuses[0]![1], 5, NOW))).toEqual(['web', 'Progressing', '2/5', 'blue 90% / green 10%', 'web:3 → web:4', '1m30s']);
    expect(JSON.parse(tableRowJson('bake', statuses[1]![1], 5, NOW))[2]).toBe('bake');
    expect(JSON.parse(tableRowJson('api', statuses[2]![1], null, NOW))).toEqual(['api', 'Degraded', '-', '-', 'api:3 → api:4 (blocked api:4)', '50h48m']);
  });

  it('keeps a frozen status row but not its AGE, nor a step count that changed', () => {
    const status = deepFreeze(structuredClone(statuses[0]![1]));
    expect(JSON.parse(tableRowJson('web', status, 5, NOW))[5]).toBe('1m30s');
    expect(JSON.parse(tableRowJson('web', status, 5, NOW + 60_000))[5]).toBe('2m30s');
    // The spec changed (more steps) while the status did not.
    expect(JSON.parse(tableRowJson('web', status, 7, NOW))[2]).toBe('2/7');
  });

  it('pads every column but the last to its widest cell, two spaces apart, with no trailing blanks', () => {
    expect(tableLines(['NAME', 'PHASE', 'AGE'], [['a-long-name', 'Healthy', '5m'], ['b', 'Pending', '']])).toEqual(['NAME         PHASE    AGE', 'a-long-name  Healthy  5m', 'b            Pending']);
  });
});
