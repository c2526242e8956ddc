import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const writes = (calls: Record<string, number>): number =>
  Object.entries(calls)
    .filter(([op]) => /UpdateService|ModifyListener|ModifyRule|ChangeResourceRecordSets|RegisterTaskDefinition|RunTask/.test(op))
    .reduce((sum, [, n]) => sum + n, 0);

describe('trouble with the source', () => {
  it('an invalid manifest marks only its Release Invalid, with file, line and field, and makes no AWS write', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    const before = writes(s.sim.calls);
    const broken = stringify(aepCanary('aep-backend-prod:12')).replace('setWeight: 50', 'setWeight: 150');
    s.source.applyText(broken, 'releases/aep-backend-prod.yaml');
    await s.run(5 * 60_000);
    const status = await s.current();
    expect(status.phase).toBe('Invalid');
    expect(status.message).toMatch(/releases\/aep-backend-prod\.yaml:\d+:\d+ spec\.strategy\.canary\.steps\[2\]\.setWeight: must be at most 100/);
    expect(writes(s.sim.calls)).toBe(before);
    expect(s.sim.inspect.weights({ listenerArn: AEP.listener }).find((w) => w.targetGroupArn === AEP.blueTg)?.weight).toBe(100);
  });

  it('an unreachable source keeps the last spec in force, says so, and a removed manifest leaves the Release Orphaned', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 10, 10 * 60_000);

    s.source.setUnavailable('git fetch: connection timed out');
    await s.runUntil((st) => st?.weights?.green === 50, 20 * 60_000);
    const during = await s.current();
    expect(during.conditions?.find((c) => c.type === 'SourceReady')).toMatchObject({ status: 'False', reason: 'SourceStale' });
    expect(during.conditions?.find((c) => c.type === 'SourceReady')?.message).toContain('connection timed out');

    s.source.setUnavailable(undefined);
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 30 * 60_000);
    expect((await s.current()).conditions?.find((c) => c.type === 'SourceReady')?.status).toBe('True');

    const before = writes(s.sim.calls);
    s.source.remove('aep-backend-prod');
    await s.run(5 * 60_000);
    const orphaned = await s.current();
    expect(orphaned.phase).toBe('Orphaned');
    expect(writes(s.sim.calls)).toBe(before);
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBe(2);
  });
});
