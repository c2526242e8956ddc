import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../src/api/types.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';
import { writeCalls, writesSince } from './support/writes.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

/** A second Release for the same stack under another name: the same services and listener. */
const copy = (revision: string): Release =>
  aepCanary(revision, (r) => {
    r.metadata.name = 'aep-backend-copy';
    r.spec.strategy.canary!.steps = [{ setWeight: 100 }];
  });

describe('two Releases naming the same listener and services', () => {
  it('refuses the later one with Conflict and no AWS call, lets the first roll out, and the later goes ahead once the first is gone', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(copy('aep-backend-prod:11'));
    await s.run(30_000);
    const before = writeCalls(s.sim);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 40 * 60_000);

    const refused = await s.status('aep-backend-copy');
    expect(refused?.phase).toBe('Stalled');
    expect(refused?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'Conflict' });
    expect(refused?.message).toContain('already held by Release aep-backend-prod');
    // Only the first Release's rollout wrote: one deployment, three weight steps, nothing of the copy's.
    expect(writesSince(s.sim, before)).toEqual({ 'ecs:UpdateService': 1, 'elbv2:ModifyListener': 3 });
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).taskDefinition).toMatch(/aep-backend-prod:12$/);
    expect(s.violations).toEqual([]);

    // The first leaves its source: the refused one proceeds by itself.
    s.source.remove('aep-backend-prod');
    await s.run(60_000);
    let later = await s.status('aep-backend-copy');
    for (let i = 0; i < 40 && !(later?.phase === 'Healthy' && later.stableRevision === 'aep-backend-prod:11'); i++) {
      await s.run(30_000);
      later = await s.status('aep-backend-copy');
    }
    expect(later).toMatchObject({ phase: 'Healthy', stableRevision: 'aep-backend-prod:11' });
    expect(later?.conditions?.some((c) => c.type === 'Stalled')).toBe(false);
  });
});
