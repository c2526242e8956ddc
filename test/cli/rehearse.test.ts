import { describe, expect, it } from 'vitest';
import type { HistoryEntry, ReleaseStatus } from '../../src/api/types.js';
import type { TimelineLine } from '../../src/rehearse/rehearse.js';
import { keelson, ROOT } from './support/keelson.js';

interface Rehearsal {
  releases: { name: string; status: ReleaseStatus | null; history: HistoryEntry[] }[];
  events: TimelineLine[];
}

describe('keelson rehearse (the binary)', () => {
  it('prints the demo world run as JSON: every Release with status and history, the timeline, the bad revision blocked; exits 1 naming it', async () => {
    const args = ['rehearse', '--world', 'manifests/sim/world.yaml', '--releases', 'manifests/examples', '--until', '50m', '-o', 'json'];
    const { code, stdout, stderr } = await keelson(args, ROOT);
    // The reverted Release fails the rehearsal, as `keelson wait` would fail a pipeline.
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'keelson rehearse: 1 Release did not end stable and healthy:',
      // "for …" counts from the first bad minute: at least failFor (1m), more as CloudWatch publishes late.
      expect.stringMatching(/^ {2}aep-backend-prod: Degraded, aep-backend-prod:13 reverted: errors: \d+(\.\d+)?% > 5% for \dm/),
    ]);
    const result = JSON.parse(stdout) as Rehearsal;

    expect(result.releases.map((r) => r.name)).toEqual(['aep-backend-prod', 'aep-frontend-prod', 'rastup-api-prod', 'web-prod']);
    for (const r of result.releases) {
      expect(r.status, r.name).not.toBeNull();
      expect(r.history.length, r.name).toBeGreaterThan(0);
    }
    const aep = result.releases.find((r) => r.name === 'aep-backend-prod')!;
    expect(aep.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'aep-backend-prod:13', stableRevision: 'aep-backend-prod:12' });
    expect(aep.history.map((h) => [h.revision, h.result])).toEqual([
      ['aep-backend-prod:13', 'Reverted'],
      ['aep-backend-prod:12', 'Promoted'],
    ]);
    for (const other of result.releases.filter((r) => r.name !== 'aep-backend-prod')) expect(other.status?.phase, other.name).toBe('Healthy');

    expect(result.events.length).toBeGreaterThan(0);
    const aepEvents = result.events.filter((e) => e.release === 'aep-backend-prod' && e.kind === 'event').map((e) => e.type);
    expect(aepEvents).toContain('RolloutStarted');
    expect(aepEvents.indexOf('Promoted')).toBeLessThan(aepEvents.indexOf('Reverted'));
    const reverted = result.events.find((e) => e.type === 'Reverted');
    expect(reverted).toMatchObject({ release: 'aep-backend-prod', offset: expect.stringMatching(/^4\dm/) });
  });

  it('exits 0 when every Release ends stable and healthy', async () => {
    const args = ['rehearse', '--world', 'manifests/sim/world.yaml', '--releases', 'manifests/examples/web-route53-blue-green.yaml', '--until', '30m'];
    const { code, stdout, stderr } = await keelson(args, ROOT);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/web-prod +Healthy/);
    expect(code).toBe(0);
  });

  it('exits 2 on an output format it does not know, before running anything', async () => {
    const { code, stderr } = await keelson(['rehearse', '--world', 'manifests/sim/world.yaml', '--releases', 'manifests/examples', '-o', 'yaml'], ROOT);
    expect(code).toBe(2);
    expect(stderr).toContain('-o must be text or json (got yaml)');
  });
});
