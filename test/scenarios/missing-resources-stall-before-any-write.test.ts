import { afterEach, describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import { AEP, aepCanary, WEB, webRelease } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';
import { writeCalls, writesSince } from './support/writes.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const condition = (st: ReleaseStatus, type: string) => st.conditions?.find((c) => c.type === type);

const RECORD = WEB.record;

const web = (revision: string, recordName = RECORD.recordName): Release =>
  webRelease(revision, (r) => {
    r.spec.strategy.blueGreen!.traffic.route53!.recordName = recordName;
  });

/** Runs a while and returns the status, after checking it stalled on a missing resource with no write at all. */
async function expectStalledWithoutWrites(sc: Scenario, mentions: string[]): Promise<ReleaseStatus> {
  const before = writeCalls(sc.sim);
  await sc.run(3 * 60_000);
  const st = await sc.current();
  expect(st.phase).toBe('Stalled');
  expect(condition(st, 'Stalled')).toMatchObject({ status: 'True', reason: 'ResourceNotFound' });
  for (const text of mentions) expect(condition(st, 'Stalled')?.message).toContain(text);
  expect(writesSince(sc.sim, before)).toEqual({});
  return st;
}

describe('Route 53 weighted records that are not there', () => {
  it('a missing set identifier stalls the Release before ECS is touched', async () => {
    const world = await demoWorld((w) => {
      const zone = w.hostedZones?.find((z) => z.id === RECORD.hostedZoneId);
      if (zone) zone.records = zone.records.filter((r) => r.setIdentifier !== 'web-green');
    });
    s = await scenario({ world, release: web('web:42') });
    await expectStalledWithoutWrites(s, ['app.example.org', 'web-green']);
    expect(s.sim.inspect.service('web-prod', 'web-green').desiredCount).toBe(0);
  });

  it('a record name without any records (Route 53 answers with the names after it) stalls too', async () => {
    s = await scenario({ world: await demoWorld(), release: web('web:42', 'ap.example.org') });
    await expectStalledWithoutWrites(s, ['ap.example.org', 'web-blue', 'web-green']);
  });
});

describe('load balancer resources that are not there', () => {
  it('a listener that does not exist stalls a new Release, and it has a status to show', async () => {
    const missing = AEP.listener.replace(/[0-9a-f]{16}$/, '0000000000000000');
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:12', (r) => {
      const alb = r.spec.strategy.canary?.traffic.alb;
      if (alb) alb.listenerArn = missing;
    }) });
    await expectStalledWithoutWrites(s, [missing]);
  });

  it('a target group that does not exist stalls the rollout before UpdateService', async () => {
    const missingTg = AEP.greenTg.replace(/[0-9a-f]{16}$/, '0000000000000000');
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    expect((await s.current()).phase).toBe('Healthy');
    s.apply(aepCanary('aep-backend-prod:12', (r) => {
      const alb = r.spec.strategy.canary?.traffic.alb;
      if (alb) alb.targetGroups.green = missingTg;
    }));
    await expectStalledWithoutWrites(s, [missingTg]);
  });

  it('an ECS service that does not exist stalls the Release', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:12', (r) => {
      const canary = r.spec.strategy.canary;
      if (canary) canary.services.green = 'aep-backend-grene';
    }) });
    await expectStalledWithoutWrites(s, ['aep-backend-grene']);
  });
});
