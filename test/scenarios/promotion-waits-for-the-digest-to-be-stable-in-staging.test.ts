import { afterEach, describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import type { SimWorld } from '../../src/sim/world.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';
import { writeCalls, writesSince } from './support/writes.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-backend';
const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const STAGING = 'aep-backend-staging';

/** A staging stack beside prod: one rolling service whose next revision names its image by tag. */
function withStaging(w: SimWorld): void {
  const profile = { startup: '30s', errorRate: 0.001, latencyMs: { p50: 40, p95: 140, p99: 260 } };
  w.taskDefinitions.push(
    { family: STAGING, revision: 1, containers: [{ name: 'backend', image: `${ECR}@${D1}`, port: 8000 }], profile },
    { family: STAGING, revision: 2, containers: [{ name: 'backend', image: `${ECR}:1.4.0`, port: 8000 }], profile },
  );
  w.services.push({ cluster: AEP.cluster, name: 'aep-backend-staging-svc', taskDefinition: `${STAGING}:1`, desiredCount: 1 });
  w.repositories = [{ name: 'navralabs/aep-backend', images: [{ digest: D1, tags: ['1.3.0'] }, { digest: D2, tags: ['1.4.0', 'staging'] }] }];
}

function staging(revision: string): Release {
  return {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: STAGING },
    spec: {
      cluster: AEP.cluster,
      revision: { taskDefinition: revision },
      replicas: 1,
      strategy: { rolling: { service: 'aep-backend-staging-svc' } },
      rollback: { auto: true, bakeTime: '2m' },
    },
  };
}

const gated = (revision: string, from = STAGING) =>
  aepCanary(revision, (r) => {
    r.spec.promotion = { from: { release: from, stableFor: '30m' } };
  });

const ready = (st: ReleaseStatus) => st.conditions?.find((c) => c.type === 'Ready');

describe('promotion by digest from staging', () => {
  it('refuses to start a digest staging has not served long enough, with no write; starts once it has, with the evidence', async () => {
    s = await scenario({ world: await demoWorld(withStaging), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    s.apply(staging(`${STAGING}:1`));
    await s.run(60_000);
    const stage = s;
    const stagingStatus = async () => (await stage.status(STAGING)) as ReleaseStatus;
    expect(await stagingStatus()).toMatchObject({ phase: 'Healthy', stableDigests: [{ container: 'backend', digest: D1, source: 'pinned' }] });

    const before = writeCalls(s.sim);
    const weightWrites = s.weightWrites.length;
    s.apply(gated('aep-backend-prod:12'));
    s.apply(staging(`${STAGING}:2`));
    await s.run(15_000);

    let prod = await s.current();
    expect(prod.phase).toBe('Pending');
    expect(ready(prod)).toMatchObject({ status: 'False', reason: 'PromotionPending' });
    expect(prod.promotion).toMatchObject({ from: STAGING, revision: 'aep-backend-prod:12', state: 'Waiting' });
    expect(prod.message).toContain(`sha256:222222222222… has not run in ${STAGING}`);
    expect(prod.rollout ?? null).toBeNull();

    const stagingUp = await (async () => {
      for (let i = 0; i < 60; i++) {
        const st = await stagingStatus();
        if (st.phase === 'Healthy' && st.stableRevision === `${STAGING}:2`) return st;
        await s!.run(15_000);
      }
      throw new Error('staging never became Healthy on :2');
    })();
    // The tag was resolved by ECR once, and the digest recorded for the revision and in history.
    expect(stagingUp.stableDigests).toEqual([{ container: 'backend', image: `${ECR}:1.4.0`, digest: D2, source: 'ecr' }]);
    expect(stagingUp.history?.[0]).toMatchObject({ revision: `${STAGING}:2`, result: 'Promoted', digests: [{ digest: D2, source: 'ecr' }] });
    expect(stagingUp.stableSince).toBeTruthy();

    await s.run(5 * 60_000);
    prod = await s.current();
    expect(prod.phase).toBe('Pending');
    expect(prod.message).toMatch(new RegExp(`has been stable in ${STAGING} for \\d+m\\d*s? of 30m`));
    // Nothing of prod was touched while it waited: only staging's own UpdateService.
    expect(writesSince(s.sim, before)).toEqual({ 'ecs:UpdateService': 1 });
    expect(s.weightWrites.length).toBe(weightWrites);
    expect(s.events.filter((e) => e.release === 'aep-backend-prod' && e.type === 'PromotionWaiting').length).toBeGreaterThanOrEqual(1);

    await s.runUntil((st) => !!st?.rollout, 40 * 60_000);
    prod = await s.current();
    const stableSince = Date.parse(stagingUp.stableSince as string);
    expect(Date.parse(prod.rollout?.startedAt as string) - stableSince).toBeGreaterThanOrEqual(30 * 60_000);
    expect(prod.promotion).toMatchObject({ state: 'Met', evidence: { release: STAGING, revision: `${STAGING}:2`, digests: [D2], stableSince: stagingUp.stableSince } });
    expect(s.events.some((e) => e.release === 'aep-backend-prod' && e.type === 'PromotionMet')).toBe(true);

    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 60 * 60_000);
    prod = await s.current();
    expect(prod.history?.[0]).toMatchObject({
      revision: 'aep-backend-prod:12',
      result: 'Promoted',
      digests: [{ digest: D2, source: 'pinned' }],
      promotion: { release: STAGING, digests: [D2], stableSince: stagingUp.stableSince },
    });
    expect(prod.stableDigests).toEqual([expect.objectContaining({ digest: D2 })]);
    expect(s.sim.calls['ecr:DescribeImages']).toBe(1);
    expect(s.violations).toEqual([]);
  });

  it('holds when the other Release is unknown, and never blocks going back to a revision promoted before', async () => {
    s = await scenario({ world: await demoWorld(withStaging), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(30_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 60 * 60_000);

    const before = writeCalls(s.sim);
    s.apply(gated('aep-backend-prod:13', 'api-staging-nowhere'));
    await s.run(60_000);
    const held = await s.current();
    expect(held).toMatchObject({ phase: 'Pending', promotion: { state: 'Unknown' } });
    expect(held.message).toContain('api-staging-nowhere has no status');
    expect(writesSince(s.sim, before)).toEqual({});

    // :11 was stable here before: going back to it is a rollback, and no gate holds it.
    s.apply(gated('aep-backend-prod:11', 'api-staging-nowhere'));
    await s.run(15_000);
    const back = await s.current();
    expect(back.promotion).toMatchObject({ state: 'Exempt' });
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:11', 10 * 60_000);
    expect(s.violations).toEqual([]);
  });
});
