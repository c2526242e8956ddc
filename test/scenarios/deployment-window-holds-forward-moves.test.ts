import { afterEach, describe, expect, it } from 'vitest';
import type { DeploySchedule, Release } from '../../src/api/types.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

// The demo world starts on Monday 2026-03-02 at 09:00 UTC.
const at = (hhmm: string): number => Date.parse(`2026-03-02T${hhmm}:00Z`);

const scheduled = (revision: string, schedule: DeploySchedule, change: (r: Release) => void = () => {}): Release =>
  aepCanary(revision, (r) => {
    r.spec.schedule = schedule;
    change(r);
  });

const greenWritesBetween = (sc: Scenario, from: number, to: number) =>
  sc.weightWrites.filter((w) => w.at >= from && w.at < to && w.weights.some((x) => x.targetGroupArn === AEP.greenTg && x.weight > 10));

describe('deployment windows', () => {
  it('hold a rollout at its step when the window closes, and move it on when the next one opens', async () => {
    const schedule: DeploySchedule = { windows: [{ cron: '0 9,12 * * *', duration: '10m' }] };
    const withLongPause = (rev: string) => scheduled(rev, schedule, (r) => (r.spec.strategy.canary!.steps = [{ setWeight: 10 }, { pause: { duration: '10m' } }, { setWeight: 50 }, { analysis: { duration: '3m' } }, { setWeight: 100 }]));
    s = await scenario({ world: await demoWorld(), release: withLongPause('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(withLongPause('aep-backend-prod:12'));
    await s.runUntil((st) => st?.window?.state === 'closed' && st.phase === 'Paused', 30 * 60_000, 15_000);

    const held = await s.current();
    expect(held).toMatchObject({ weights: { blue: 90, green: 10 }, currentStepIndex: 2, window: { state: 'closed', closedBy: 'outsideWindow', nextOpenAt: '2026-03-02T12:00:00.000Z', holding: true } });
    expect(held.conditions?.find((c) => c.type === 'Paused')?.reason).toBe('WindowClosed');
    expect(held.message).toContain('50% to green waits for the deployment window (opens 2026-03-02T12:00Z)');

    await s.runUntil((st) => st?.phase === 'Healthy', 4 * 3_600_000, 60_000);
    // Nothing moved forward while the window was closed; 50% came right after it opened.
    expect(greenWritesBetween(s, at('09:10'), at('12:00'))).toEqual([]);
    const fifty = s.weightWrites.find((w) => w.weights.some((x) => x.targetGroupArn === AEP.greenTg && x.weight === 50));
    expect(fifty?.at).toBeGreaterThanOrEqual(at('12:00'));
    expect(fifty?.at).toBeLessThan(at('12:01'));
    expect((await s.current()).stableRevision).toBe('aep-backend-prod:12');
    expect(s.events.filter((e) => e.type === 'WindowClosed')).toHaveLength(1);
    expect(s.events.filter((e) => e.type === 'WindowOpened')).toHaveLength(1);
    // The hold never counted against progressDeadline, and was never told as a person's pause.
    expect(s.events.filter((e) => e.type === 'Reverted' || e.type === 'Paused')).toEqual([]);
    expect(s.violations).toEqual([]);
  });

  it('do not start a rollout in a blackout, and start it when the blackout ends', async () => {
    const schedule: DeploySchedule = { blackouts: [{ cron: '0 9 * * *', duration: '1h', reason: 'morning peak' }] };
    s = await scenario({ world: await demoWorld(), release: scheduled('aep-backend-prod:11', schedule), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(scheduled('aep-backend-prod:12', schedule));
    await s.run(5 * 60_000);

    const waiting = await s.current();
    expect(waiting).toMatchObject({ phase: 'Pending', rollout: null, weights: { blue: 100, green: 0 } });
    expect(waiting.window).toMatchObject({ state: 'closed', closedBy: 'blackout', nextOpenAt: '2026-03-02T10:00:00.000Z' });
    expect(waiting.message).toBe('rollout of aep-backend-prod:12 waits for the deployment window (blackout: morning peak; opens 2026-03-02T10:00Z)');
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBe(0);
    expect(s.events.map((e) => e.type)).toEqual(['WindowClosed']);

    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 2 * 3_600_000, 60_000);
    const started = s.events.find((e) => e.type === 'RolloutStarted');
    expect(started?.at).toBe(at('10:00'));
    expect(s.events.map((e) => e.type).slice(0, 3)).toEqual(['WindowClosed', 'WindowOpened', 'RolloutStarted']);
    expect(s.violations).toEqual([]);
  });

  it('are not overridden by a plain promote; promote with overrideWindow moves the revision on, and is recorded', async () => {
    const schedule: DeploySchedule = { blackouts: [{ cron: '0 9 * * *', duration: '2h', reason: 'morning peak' }] };
    s = await scenario({ world: await demoWorld(), release: scheduled('aep-backend-prod:11', schedule), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(scheduled('aep-backend-prod:12', schedule));
    await s.run(2 * 60_000);
    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'promote', requestedAt: s.clock.now(), requestedBy: 'bob' });
    s.controller.enqueue('aep-backend-prod');
    await s.run(2 * 60_000);
    expect(await s.current()).toMatchObject({ phase: 'Pending', rollout: null, window: { state: 'closed', override: null } });

    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'promote', requestedAt: s.clock.now(), requestedBy: 'alice', overrideWindow: true });
    s.controller.enqueue('aep-backend-prod');
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 60 * 60_000);
    expect(s.clock.now()).toBeLessThan(at('11:00'));
    const override = s.events.find((e) => e.type === 'WindowOpened');
    expect(override).toMatchObject({ by: 'alice', reason: 'overrideWindow', toRevision: 'aep-backend-prod:12' });
    expect(s.events.filter((e) => e.type === 'RolloutStarted')).toHaveLength(1);
    // Every step still ran: the override lifts the window, not the steps.
    expect(greenWritesBetween(s, 0, Infinity).map((w) => w.weights.find((x) => x.targetGroupArn === AEP.greenTg)?.weight)).toEqual([50, 100]);
    expect(s.violations).toEqual([]);
  });

  it('hold a rollout through a freeze', async () => {
    const schedule: DeploySchedule = { freezes: [{ from: '2026-03-02T09:04:00Z', to: '2026-03-02T10:00:00Z', reason: 'incident INC-42' }] };
    s = await scenario({ world: await demoWorld(), release: scheduled('aep-backend-prod:11', schedule), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(scheduled('aep-backend-prod:12', schedule));
    await s.run(20 * 60_000, 15_000);
    expect((await s.current()).window).toMatchObject({ state: 'closed', closedBy: 'freeze', holding: true });
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-backend-prod:12', 2 * 3_600_000, 60_000);
    expect(greenWritesBetween(s, at('09:04'), at('10:00'))).toEqual([]);
    expect(s.samples.filter((x) => x.at >= at('09:04') && x.at < at('10:00')).every((x) => (x.weights?.green ?? 0) <= 10)).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('never block a revert: a failure while the window is closed reverts at once', async () => {
    const schedule: DeploySchedule = { freezes: [{ from: '2026-03-02T09:05:00Z', to: '2026-03-02T12:00:00Z' }] };
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at: '8m', errorRate: 0.3 }];
    });
    s = await scenario({ world, release: scheduled('aep-backend-prod:11', schedule), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(scheduled('aep-backend-prod:12', schedule));
    const took = await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 30 * 60_000, 15_000);
    expect(s.clock.now()).toBeLessThan(at('09:20'));
    expect(took).toBeGreaterThan(0);
    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:12', weights: { blue: 100, green: 0 } });
    expect(status.window).toMatchObject({ state: 'closed', closedBy: 'freeze' });
    expect(status.lastRevert?.condition).toBe('errors');
    expect(s.violations).toEqual([]);
  });
});
