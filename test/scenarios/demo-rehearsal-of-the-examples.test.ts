import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/rehearse/rehearse.js';
import { loadWorld } from '../../src/sim/world-loader.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the demo: every example Release on the demo world, then a bad revision at 40m', () => {
  it('promotes the examples (web-prod only after web-staging), and reverts aep-backend-prod:13 on its own', async () => {
    const world = await loadWorld(join(root, 'manifests/sim/world.yaml'));
    const folder = join(root, 'manifests/examples');
    const releases = await Promise.all((await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort().map(async (f) => ({ file: join(folder, f), text: await readFile(join(folder, f), 'utf8') })));
    const result = await rehearse({ world, releases, untilMs: 70 * 60_000, stepMs: 15_000 });
    const byName = Object.fromEntries(result.releases.map((r) => [r.name, r.status]));

    expect(byName['aep-frontend-prod']).toMatchObject({ phase: 'Healthy', stableRevision: 'aep-frontend-prod:8' });
    expect(byName['web-prod']).toMatchObject({ phase: 'Healthy', stableRevision: 'web:42' });
    expect(byName['web-staging']).toMatchObject({ phase: 'Healthy', stableRevision: 'web-staging:42' });
    // Promotion by digest (runbook 002): web-prod waited until web:42's digest had been stable in
    // web-staging for stableFor (10m), and started only then, with web-staging named as evidence.
    const digest = 'sha256:4242424242424242424242424242424242424242424242424242424242424242';
    const webProd = byName['web-prod'];
    expect(webProd?.promotion).toMatchObject({ state: 'Met', revision: 'web:42', evidence: { release: 'web-staging', revision: 'web-staging:42', digests: [digest] } });
    const webEvents = result.events.filter((e) => e.kind === 'event' && (e.release === 'web-prod' || e.release === 'web-staging'));
    const at = (release: string, type: string): number => Date.parse(webEvents.find((e) => e.release === release && e.type === type)?.at ?? '');
    const stagingStableSince = Date.parse(webProd?.promotion?.evidence?.stableSince ?? '');
    expect(at('web-prod', 'PromotionWaiting')).toBeLessThan(at('web-staging', 'Promoted'));
    expect(stagingStableSince).toBeGreaterThanOrEqual(at('web-staging', 'RolloutStarted'));
    expect(at('web-prod', 'RolloutStarted')).toBeGreaterThanOrEqual(stagingStableSince + 10 * 60_000);
    expect(at('web-prod', 'PromotionMet')).toBeLessThanOrEqual(at('web-prod', 'RolloutStarted'));
    expect(webProd?.history?.[0]).toMatchObject({ revision: 'web:42', result: 'Promoted', promotion: { release: 'web-staging' } });
    // Both task definitions were read by the plaintext-secret check: DATABASE_PASSWORD comes from
    // Secrets Manager (`secrets`), so nothing was refused or needed the allow-list.
    expect(webProd?.plaintext).toEqual({ revision: 'web:42', generation: expect.any(Number), refused: [], allowed: [] });
    expect(byName['web-staging']?.plaintext).toEqual({ revision: 'web-staging:42', generation: expect.any(Number), refused: [], allowed: [] });
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
