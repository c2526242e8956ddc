import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../src/api/types.js';
import { WEB, webRelease } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const RECORD = WEB.record;

const web = (revision: string): Release =>
  webRelease(revision, (r) => {
    r.spec.strategy.blueGreen!.prePromotionAnalysis = { duration: '2m' };
    r.spec.rollback = { bakeTime: '2m' };
  });

describe('Route53 weighted blue/green', () => {
  it('switches at once, but counts the switch only after the change is INSYNC and one TTL has passed', async () => {
    s = await scenario({ world: await demoWorld(), release: web('web:41') });
    await s.run(60_000);
    expect(await s.current()).toMatchObject({ phase: 'Healthy', stableColour: 'blue', weights: { blue: 100, green: 0 } });

    s.apply(web('web:42'));
    await s.runUntil((st) => st?.weights?.green === 100, 20 * 60_000);
    expect((await s.current()).phase).toBe('Progressing');

    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'web:42', 20 * 60_000);
    const switchedAt = s.sim.events.find((e) => e.kind === 'record.changed')?.at as number;
    const insyncAt = s.sim.events.find((e) => e.kind === 'record.insync' && e.at >= switchedAt)?.at as number;
    expect(insyncAt).toBeGreaterThan(switchedAt);
    const promotedAt = Date.parse((await s.current()).history?.[0]?.finishedAt as string);
    // INSYNC, then the record's 60s TTL, then the 2m bake.
    expect(promotedAt).toBeGreaterThanOrEqual(insyncAt + 60_000 + 2 * 60_000);
    // Resolvers followed only after the TTL: until then the old colour still took requests.
    const effective = s.sim.inspect.effectiveWeights(RECORD);
    expect(effective.find((w) => w.setIdentifier === 'web-green')?.weight).toBe(100);
    expect(s.sim.inspect.service('web-prod', 'web-blue').desiredCount).toBe(2);
  });
});
