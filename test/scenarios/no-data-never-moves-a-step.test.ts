import { parseDuration } from '../../src/api/duration.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, aepRevision, BLUE_100 } from './support/releases.js';
import { metricRevertBound, PERIOD_MS, PUBLICATION_DELAY_MS } from './support/metric-lag.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('no data is never a pass', () => {
  it('holds a canary that receives no requests at its first weight, then pauses with NoData naming the condition', async () => {
    const world = await demoWorld((w) => {
      for (const t of w.traffic ?? []) if (t.name === 'aep-backend') t.rps = 0;
    });
    const release = (revision: string) =>
      aepCanary(revision, (r) => {
        r.spec.strategy.canary!.steps = [{ setWeight: 5 }, { analysis: { duration: '2m' } }, { setWeight: 25 }, { analysis: { duration: '2m' } }, { setWeight: 100 }];
      });
    s = await scenario({ world, release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(release('aep-backend-prod:12'));
    await s.runUntil((st) => st?.phase === 'Paused', 30 * 60_000);

    const status = await s.current();
    expect(status.stableRevision).toBe('aep-backend-prod:11');
    expect(status.conditions?.find((c) => c.type === 'Paused')).toMatchObject({ status: 'True', reason: 'NoData' });
    expect(status.message).toContain('no data covering the step for errors');
    expect(status.health?.find((h) => h.name === 'errors')?.state).toBe('Unknown');
    // Traffic never went past the first step, and nothing was promoted.
    expect(Math.max(...s.samples.map((x) => x.weights?.green ?? 0))).toBe(5);
    expect(status.history?.some((h) => h.result === 'Promoted' && h.revision === 'aep-backend-prod:12')).toBe(false);

    await s.run(20 * 60_000);
    expect((await s.current()).phase).toBe('Paused');
    expect(s.violations).toEqual([]);
  });

  it('keeps judging p95 against the baseline captured before the last shift, and reverts a p95 that doubles in the bake', async () => {
    const world = await demoWorld((w) => {
      const blue = w.taskDefinitions.find((t) => t.family === 'aep-backend-prod' && t.revision === 11);
      if (blue) blue.profile = { ...blue.profile, latencyMs: { p50: 40, p95: 140, p99: 260 } };
      w.taskDefinitions.push(aepRevision(16, { latencyMs: { p50: 40, p95: 140, p99: 260 } }));
    });
    const release = (revision: string) =>
      aepCanary(revision, (r) => {
        r.spec.health = {
          interval: '15s',
          conditions: [{ name: 'latency-vs-baseline', metric: { builtin: 'latencyP95', maxIncreasePercent: 25 }, failFor: '1m' }],
        };
        r.spec.rollback = { auto: true, bakeTime: '15m' };
      });
    s = await scenario({ world, release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(release('aep-backend-prod:16'));
    await s.runUntil((st) => st?.weights?.green === 100, 30 * 60_000);
    const fullAt = s.clock.now();
    // Three minutes into the bake the new revision's p95 doubles; the stable colour takes no traffic by then.
    s.sim.outOfBand.addFault({
      kind: 'revisionTurnsBad',
      taskDefinition: 'aep-backend-prod:16',
      at: `${Math.round((fullAt - s.startedAt) / 1000) + 180}s`,
      latencyMs: { p50: 80, p95: 280, p99: 520 },
    });

    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 20 * 60_000);
    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:16', weights: { blue: 100, green: 0 } });
    expect(status.lastRevert).toMatchObject({ condition: 'latency-vs-baseline', revision: 'aep-backend-prod:16' });
    expect(status.history?.some((h) => h.result === 'Promoted' && h.revision === 'aep-backend-prod:16')).toBe(false);
    const revertedAt = s.weightWrites.findLast((w) => BLUE_100(w))?.at as number;
    expect(revertedAt - fullAt).toBeGreaterThan(3 * 60_000);
    expect(s.violations).toEqual([]);
  });

  // The first bad minute is seen once it has ended and been published (60s + the publication
  // delay): a failFor shorter than that is already over then; a longer one is waited out.
  it.each(['75s', '90s', '4m'])('reverts within one health interval of failFor %s or of the first bad minute being published, counted from it', async (failFor) => {
    const world = await demoWorld();
    const release = (revision: string) =>
      aepCanary(revision, (r) => {
        r.spec.health = { interval: '15s', conditions: [{ name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor }] };
        r.spec.strategy.canary!.steps = [{ setWeight: 10 }, { pause: { duration: '20m' } }, { setWeight: 100 }];
      });
    s = await scenario({ world, release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(release('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 10, 20 * 60_000);
    // Bad from a whole minute on: the first bad datapoint is that minute.
    const badAt = Math.ceil((s.clock.now() + 2 * 60_000) / 60_000) * 60_000;
    s.sim.outOfBand.addFault({ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at: `${(badAt - s.startedAt) / 1000}s`, errorRate: 0.4 });

    await s.runUntil((st) => st?.phase === 'Degraded', 15 * 60_000, 1_000);
    const revertedAt = s.weightWrites.findLast((w) => BLUE_100(w))?.at as number;
    const failForMs = parseDuration(failFor);
    expect(revertedAt - badAt).toBeGreaterThanOrEqual(Math.max(failForMs, PERIOD_MS + PUBLICATION_DELAY_MS));
    expect(revertedAt - badAt).toBeLessThanOrEqual(metricRevertBound(failForMs, 15_000));
    expect((await s.current()).lastRevert).toMatchObject({ condition: 'errors' });
  });
});
