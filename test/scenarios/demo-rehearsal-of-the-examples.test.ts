import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/rehearse/rehearse.js';
import { loadWorld } from '../../src/sim/world-loader.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the demo: every example Release on the demo world, then a bad revision at 40m', () => {
  it('promotes the four examples, and reverts aep-backend-prod:13 on its own', async () => {
    const world = await loadWorld(join(root, 'manifests/sim/world.yaml'));
    const folder = join(root, 'manifests/examples');
    const releases = await Promise.all((await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort().map(async (f) => ({ file: join(folder, f), text: await readFile(join(folder, f), 'utf8') })));
    const result = await rehearse({ world, releases, untilMs: 70 * 60_000, stepMs: 15_000 });
    const byName = Object.fromEntries(result.releases.map((r) => [r.name, r.status]));

    expect(byName['aep-frontend-prod']).toMatchObject({ phase: 'Healthy', stableRevision: 'aep-frontend-prod:8' });
    expect(byName['web-prod']).toMatchObject({ phase: 'Healthy', stableRevision: 'web:42' });
    expect(byName['rastup-api-prod']).toMatchObject({ phase: 'Healthy', stableRevision: 'rastup-api:24' });
    const aep = byName['aep-backend-prod'];
    // Before any traffic, each revision waited for two release managers, approved on the world's timeline.
    const approvals = aep?.audit?.entries.filter((e) => e.what === 'Approved').map((e) => [e.by, e.revision]);
    expect(approvals).toEqual([
      ['alice', 'aep-backend-prod:12'],
      ['bob', 'aep-backend-prod:12'],
      ['alice', 'aep-backend-prod:13'],
      ['bob', 'aep-backend-prod:13'],
    ]);
    expect(result.events.filter((e) => e.release === 'aep-backend-prod').map((e) => e.type)).toContain('AwaitingApproval');
    // The migration (a preDeploy job) runs only once the revision is approved.
    const aep12 = aep?.audit?.entries.filter((e) => e.revision === 'aep-backend-prod:12') ?? [];
    const lastApproval = Math.max(...aep12.filter((e) => e.what === 'Approved').map((e) => Date.parse(e.at)));
    const migration = aep12.find((e) => e.what === 'JobStarted');
    expect(migration).toBeDefined();
    expect(Date.parse(migration?.at ?? '')).toBeGreaterThanOrEqual(lastApproval);
    expect(aep).toMatchObject({ phase: 'Degraded', stableRevision: 'aep-backend-prod:12', blockedRevision: 'aep-backend-prod:13' });
    expect(aep?.history?.map((h) => [h.revision, h.result])).toEqual([
      ['aep-backend-prod:13', 'Reverted'],
      ['aep-backend-prod:12', 'Promoted'],
    ]);
    // The timeline a user reads says what happened, in order.
    const aepEvents = result.events.filter((e) => e.release === 'aep-backend-prod' && e.kind === 'event').map((e) => e.type);
    expect(aepEvents.indexOf('Promoted')).toBeLessThan(aepEvents.indexOf('Reverted'));
  });
});
