import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../../src/api/defaults.js';
import type { AuditEntry, ReleaseStatus } from '../../../../src/api/types.js';
import { initialStatus } from '../../../../controllers/release/status.js';
import { MIN, pass, service, T0 } from './plan-fixtures.js';

const stable = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), targets: { blue: 2 } };

function entry(seq: number): AuditEntry {
  return { seq, at: new Date(T0 - MIN).toISOString(), by: 'keelson', what: 'StepReached', revision: 'app:10', detail: `old entry ${seq}` };
}

describe('the audit history a pass writes', () => {
  it('records a spec change once per generation, with the source revision', () => {
    const first = pass({ world: { ...stable, desired: 'app:11' }, generation: 4 });
    expect(first.status.audit?.entries).toEqual([
      { seq: 1, at: new Date(T0).toISOString(), by: 'source', what: 'SpecChanged', revision: 'app:11', sourceRevision: 'main@sha1:abc', detail: 'generation 4 from main@sha1:abc asks for app:11' },
    ]);
    const again = pass({ world: { ...stable, desired: 'app:11' }, generation: 4, status: first.status, now: T0 + MIN });
    expect(again.status.audit).toEqual(first.status.audit);
  });

  it('records every event of the pass and every operation applied, with who', () => {
    const before: ReleaseStatus = { ...initialStatus(), stableRevision: 'app:11', stableColour: 'blue', audit: { seq: 7, generation: 1, entries: [entry(7)] } };
    const out = pass({ world: { ...stable, desired: 'app:12' }, status: before, operations: [{ seq: 1, kind: 'retry', requestedBy: 'alice' }] });
    const fresh = out.status.audit!.entries.slice(1);
    expect(fresh.map((e) => [e.seq, e.what, e.by])).toEqual([
      [8, 'retry', 'alice'],
      ...out.events.map((e, i) => [9 + i, e.type, 'keelson']),
    ]);
    expect(out.events.map((e) => e.type)).toContain('RolloutStarted');
    expect(fresh[0]?.detail).toBe('keelson retry (operation #1)');
    expect(out.status.audit?.seq).toBe(8 + out.events.length);
  });

  it(`keeps the newest ${DEFAULTS.auditLimit} entries, numbering on`, () => {
    const full = Array.from({ length: DEFAULTS.auditLimit }, (_, i) => entry(i + 1));
    const before: ReleaseStatus = { ...initialStatus(), stableRevision: 'app:11', stableColour: 'blue', audit: { seq: DEFAULTS.auditLimit, generation: 1, entries: full } };
    const out = pass({ world: { ...stable, desired: 'app:12' }, status: before, generation: 2 });
    const entries = out.status.audit!.entries;
    expect(entries).toHaveLength(DEFAULTS.auditLimit);
    expect(entries.at(-1)?.seq).toBe(out.status.audit?.seq);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => (out.status.audit?.seq ?? 0) - DEFAULTS.auditLimit + 1 + i));
    expect(entries.find((e) => e.what === 'SpecChanged')).toMatchObject({ by: 'source', revision: 'app:12' });
  });
});
