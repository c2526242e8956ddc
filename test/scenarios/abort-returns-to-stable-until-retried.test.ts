import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('abort mid-step', () => {
  it('sends all traffic back to stable at once, stays Aborted, and rolls out again on retry', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 50, 15 * 60_000);

    const abortAt = s.clock.now();
    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'abort', requestedAt: abortAt, requestedBy: 'bob' });
    s.controller.enqueue('aep-backend-prod');
    await s.run(10_000, 1_000);
    expect(s.weightWrites.at(-1)?.at).toBeLessThanOrEqual(abortAt + 1_000);
    expect(await s.current()).toMatchObject({ phase: 'Aborted', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect((await s.current()).history?.[0]).toMatchObject({ result: 'Aborted', reason: 'aborted by bob' });

    await s.run(30 * 60_000, 30_000);
    expect((await s.current()).phase).toBe('Aborted');
    expect(s.events.filter((e) => e.type === 'RolloutStarted')).toHaveLength(1);

    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'retry', requestedAt: s.clock.now() });
    s.controller.enqueue('aep-backend-prod');
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 30 * 60_000);
    expect(s.events.filter((e) => e.type === 'RolloutStarted')).toHaveLength(2);
    expect(s.violations).toEqual([]);
  });
});
