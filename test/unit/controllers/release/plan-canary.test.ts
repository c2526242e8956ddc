import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../../src/api/types.js';
import { allPassing, canaryRelease, failing, MIN, pass, passing, service, T0 } from './plan-fixtures.js';

const stableWorld = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), targets: { blue: 2, green: 0 } };

/** Status after adopting app:11 on blue and starting the rollout of app:12 on green. */
function started(): ReleaseStatus {
  return pass({ world: { ...stableWorld, desired: 'app:12' } }).status;
}

/** Status with green up and weights at 10% (step 1 reached, in the pause). */
function atPause(): ReleaseStatus {
  const up = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 } };
  const s1 = pass({ status: started(), world: up }).status;
  return pass({ status: s1, world: { ...up, weights: { blue: 90, green: 10 } } }).status;
}

describe('plan: canary', () => {
  it('adopts the colour carrying traffic as stable and reports Healthy when nothing is to do', () => {
    const result = pass({ world: { ...stableWorld, desired: 'app:11' }, release: canaryRelease('app:11') });
    expect(result.status).toMatchObject({ phase: 'Healthy', stableRevision: 'app:11', stableColour: 'blue', desiredRevision: 'app:11', observedGeneration: 1 });
    expect(result.actions).toEqual([]);
    expect(result.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('starts a rollout by bringing the idle colour up on the new revision, traffic untouched', () => {
    const result = pass({ world: { ...stableWorld, desired: 'app:12' } });
    expect(result.status.phase).toBe('Progressing');
    expect(result.status.rollout).toMatchObject({ revision: 'app:12', fromRevision: 'app:11', colour: 'green', stepIndex: 0 });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'app-green', taskDefinition: 'app:12', desiredCount: 2 })]);
    expect(result.events.map((e) => e.type)).toEqual(['RolloutStarted']);
  });

  it('moves no traffic while the new colour has fewer healthy targets than it needs', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 1 } };
    const result = pass({ status: started(), world });
    expect(result.actions).toEqual([]);
    expect(result.status.message).toContain('1/2 targets healthy');
  });

  it('sets the first weight once the new colour is healthy, and counts the step only after read-back', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 } };
    const written = pass({ status: started(), world });
    expect(written.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 90, green: 10 } })]);
    expect(written.status.rollout?.stepIndex).toBe(0);
    const readBack = pass({ status: written.status, world: { ...world, weights: { blue: 90, green: 10 } } });
    expect(readBack.actions).toEqual([]);
    expect(readBack.status.rollout?.stepIndex).toBe(1);
    expect(readBack.events.map((e) => e.type)).toEqual(['StepReached']);
    expect(readBack.status.message).toMatch(/step 2\/5: pause 5m .*5m left/);
    expect(readBack.requeueAfter).toBe(15_000);
  });

  it('holds a timed pause, then moves to the next weight once every condition passed with data', () => {
    const status = atPause();
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    expect(pass({ status, world, now: T0 + 4 * MIN }).actions).toEqual([]);
    const after = pass({ status, world, health: allPassing(T0 + 5 * MIN + 1), now: T0 + 5 * MIN + 1 });
    expect(after.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 50, green: 50 } })]);
  });

  it('judges a step on a metric only when the period its value came from began inside the step, however late the check', () => {
    const status = atPause();
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    const now = T0 + 5 * MIN + 1;
    // Checked now, but the newest published period began before the pause (publication delay).
    const stale = [{ ...passing('errors', 0.2, now), dataFrom: new Date(T0 - MIN).toISOString() }, passing('ecs-tasks', 0, now)];
    const held = pass({ status, world, health: stale, now });
    expect(held.actions).toEqual([]);
    expect(held.status.message).toContain('no data covering the step for errors');
    const inside = [{ ...passing('errors', 0.2, now), dataFrom: new Date(T0 + 3 * MIN).toISOString() }, passing('ecs-tasks', 0, now)];
    expect(pass({ status, world, health: inside, now }).actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 50, green: 50 } })]);
  });

  it('never ends a timed pause on missing data: it waits, then pauses with NoData naming the conditions', () => {
    const status = atPause();
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    // Only the ECS signal has data: the error rate (no requests) does not.
    const onlyEcs = [passing('ecs-tasks', 0, T0 + 5 * MIN + 1)];
    const waiting = pass({ status, world, health: onlyEcs, now: T0 + 5 * MIN + 1 });
    expect(waiting.actions).toEqual([]);
    expect(waiting.status.phase).toBe('Progressing');
    expect(waiting.status.message).toContain('no data covering the step for errors');
    const overdue = pass({ status: waiting.status, world, health: [passing('ecs-tasks', 0, T0 + 16 * MIN)], now: T0 + 16 * MIN });
    expect(overdue.actions).toEqual([]);
    expect(overdue.status.phase).toBe('Paused');
    expect(overdue.status.conditions?.find((c) => c.type === 'Paused')).toMatchObject({ status: 'True', reason: 'NoData' });
    expect(overdue.events.map((e) => e.type)).toEqual(['Paused']);
    // Data that passes moves it on by itself.
    const resumed = pass({ status: overdue.status, world, health: allPassing(T0 + 17 * MIN), now: T0 + 17 * MIN });
    expect(resumed.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 50, green: 50 } })]);
  });

  it('does not end a timed pause while a condition is breaching, even for less than its failFor', () => {
    const status = atPause();
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    const now = T0 + 5 * MIN + 1;
    const breaching = { ...passing('errors', 6.1, now), state: 'Breaching' as const, badSince: new Date(now - 20_000).toISOString() };
    const held = pass({ status, world, health: [breaching, passing('ecs-tasks', 0, now)], now });
    expect(held.actions).toEqual([]);
    expect(held.status.message).toContain('errors Breaching');
    // It wakes exactly when the streak would reach failFor (1m), not a whole interval later.
    expect(held.requeueAfter).toBeLessThanOrEqual(15_000);
  });

  it('moves no traffic, not even the first weight, while a condition is breaching', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 } };
    const breachingReady = { ...passing('ready', 503, T0), state: 'Breaching' as const, badSince: new Date(T0 - 10_000).toISOString() };
    const held = pass({ status: { ...started(), health: [breachingReady] }, world, health: [breachingReady] });
    expect(held.actions).toEqual([]);
    expect(held.status.message).toContain('ready Breaching');
  });

  it('puts back weights edited to the next step\'s during a pause that is not over: a judged step is never skipped', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 50, green: 50 } };
    const early = pass({ status: atPause(), world, health: allPassing(T0 + MIN), now: T0 + MIN });
    expect(early.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 90, green: 10 } })]);
    expect(early.status.rollout?.stepIndex).toBe(1);
    // The pause is over and judged: weights a lost pass already moved on stand, and the step counts.
    const over = pass({ status: atPause(), world, health: allPassing(T0 + 5 * MIN + 1), now: T0 + 5 * MIN + 1 });
    expect(over.actions).toEqual([]);
    expect(over.status.rollout?.stepIndex).toBe(3);
  });

  it('puts an edited weight back during a pause', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 70, green: 30 } };
    const result = pass({ status: atPause(), world, now: T0 + MIN });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 90, green: 10 } })]);
  });

  it('reverts when a condition fails: all traffic to stable at once, revision blocked, evidence kept', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    const result = pass({ status: atPause(), world, health: [failing('errors', 7.5)], now: T0 + 2 * MIN });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
    expect(result.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'app:12', stableRevision: 'app:11' });
    expect(result.status.lastRevert).toMatchObject({ revision: 'app:12', condition: 'errors', value: 7.5, threshold: '<= 5', window: '1m' });
    expect(result.status.history?.[0]).toMatchObject({ revision: 'app:12', result: 'Reverted' });
    expect(result.events.map((e) => e.type)).toEqual(['Reverted']);

    // Next pass: traffic read back on stable, so the failed colour is scaled down and the rollout closed.
    const next = pass({ status: result.status, world: { ...world, weights: { blue: 100, green: 0 } }, now: T0 + 2 * MIN + 15_000 });
    expect(next.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'app-green', desiredCount: 0 })]);
    expect(next.status.rollout).toBeNull();
    expect(next.status.phase).toBe('Degraded');
  });

  it('does not retry a blocked revision until the spec changes or someone retries', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12', { desiredCount: 0, runningCount: 0 }), targets: { blue: 2 }, weights: { blue: 100, green: 0 } };
    const blocked: ReleaseStatus = { ...atPause(), rollout: null, blockedRevision: 'app:12', history: [{ revision: 'app:12', result: 'Reverted', reason: 'errors failing', startedAt: '', finishedAt: '' }] };
    const held = pass({ status: blocked, world });
    expect(held.actions).toEqual([]);
    expect(held.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'app:12' });
    expect(held.status.message).toContain('keelson retry');

    const retried = pass({ status: blocked, world, operations: [{ seq: 1, kind: 'retry' }] });
    expect(retried.status.blockedRevision).toBeNull();
    expect(retried.status.rollout?.revision).toBe('app:12');
    expect(retried.status.lastOperationSeq).toBe(1);

    const changed = pass({ status: blocked, world: { ...world, desired: 'app:13' }, release: canaryRelease('app:13') });
    expect(changed.status.blockedRevision).toBeNull();
    expect(changed.status.rollout?.revision).toBe('app:13');
  });

  it('waits at pause {} until promoted', () => {
    const release = canaryRelease('app:12');
    release.spec.strategy.canary!.steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }];
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 80, green: 20 } };
    const s0 = pass({ release, world: { ...stableWorld, desired: 'app:12' } }).status;
    const paused = pass({ release, status: s0, world, now: T0 + 10 * MIN });
    expect(paused.status.phase).toBe('Paused');
    expect(paused.events.map((e) => e.type)).toEqual(['StepReached', 'Paused']);
    expect(pass({ release, status: paused.status, world, now: T0 + 60 * MIN }).status.phase).toBe('Paused');
    const promoted = pass({ release, status: paused.status, world, operations: [{ seq: 1, kind: 'promote', requestedBy: 'alice' }] });
    expect(promoted.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 0, green: 100 } })]);
  });

  it('aborts back to stable and stays Aborted until retried', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    const aborted = pass({ status: atPause(), world, operations: [{ seq: 1, kind: 'abort', requestedBy: 'bob' }] });
    expect(aborted.status.phase).toBe('Aborted');
    expect(aborted.status.blockedRevision).toBe('app:12');
    expect(aborted.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
    const later = pass({ status: { ...aborted.status, rollout: null }, world: { ...world, weights: { blue: 100, green: 0 } } });
    expect(later.status.phase).toBe('Aborted');
  });

  it('a new revision mid-rollout sends traffic back to stable first, then starts the new one', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 }, desired: 'app:13' };
    const superseded = pass({ status: atPause(), world, release: canaryRelease('app:13') });
    expect(superseded.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
    expect(superseded.status.blockedRevision).toBeNull();
    expect(superseded.status.history?.[0]).toMatchObject({ revision: 'app:12', result: 'Superseded' });
    const next = pass({ status: superseded.status, world: { ...world, weights: { blue: 100, green: 0 } }, release: canaryRelease('app:13') });
    expect(next.status.rollout).toBeNull();
    expect(next.requeueAfter).toBe(0);
    const started13 = pass({ status: next.status, world: { ...world, weights: { blue: 100, green: 0 } }, release: canaryRelease('app:13') });
    expect(started13.status.rollout?.revision).toBe('app:13');
    expect(started13.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'app-green', taskDefinition: 'app:13' })]);
  });

  it('promotes after the last step and the bake time, keeping the old colour warm', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 0, green: 100 } };
    const status: ReleaseStatus = { ...atPause(), rollout: { ...atPause().rollout!, stepIndex: 4, stepStartedAt: new Date(T0).toISOString() } };
    const reached = pass({ status, world, health: allPassing(T0 + MIN), now: T0 + MIN });
    expect(reached.status.phase).toBe('Progressing');
    expect(reached.status.message).toContain('baking');
    // The bake is over but nothing was measured at its end: no promotion on no data.
    const unmeasured = pass({ status: reached.status, world, now: T0 + 7 * MIN });
    expect(unmeasured.status.phase).toBe('Progressing');
    expect(unmeasured.status.message).toContain('bake over: no data covering the step for errors, ecs-tasks');
    const promoted = pass({ status: reached.status, world, health: allPassing(T0 + 7 * MIN), now: T0 + 7 * MIN });
    expect(promoted.status).toMatchObject({ phase: 'Healthy', stableRevision: 'app:12', stableColour: 'green' });
    expect(promoted.status.history?.[0]).toMatchObject({ revision: 'app:12', fromRevision: 'app:11', result: 'Promoted' });
    expect(promoted.actions).toEqual([]);
    expect(promoted.requeueAfter).toBe(60 * MIN);
    // Finished: no rollout in flight any more, only the old colour kept warm.
    expect(promoted.status.rollout).toBeNull();
    expect(promoted.status.warmColour).toEqual({ colour: 'blue', revision: 'app:11', scaleDownAt: new Date(T0 + 67 * MIN).toISOString() });

    // Before the scale-down delay: nothing. After: the old colour goes, weights read back at 0.
    const warm = pass({ status: promoted.status, world, now: T0 + 30 * MIN });
    expect(warm.actions).toEqual([]);
    const cold = pass({ status: promoted.status, world, now: T0 + 70 * MIN });
    expect(cold.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'app-blue', desiredCount: 0 })]);
    expect(cold.status.rollout).toBeNull();
    expect(cold.status.warmColour).toBeNull();
  });

  it('never scales the old colour down while it still takes traffic', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 10, green: 90 } };
    const promoted: ReleaseStatus = {
      ...atPause(),
      phase: 'Healthy',
      stableRevision: 'app:12',
      stableColour: 'green',
      rollout: null,
      warmColour: { colour: 'blue', revision: 'app:11', scaleDownAt: new Date(T0 + MIN).toISOString() },
    };
    const result = pass({ status: promoted, world, now: T0 + 2 * MIN, release: canaryRelease('app:12') });
    expect(result.actions.filter((a) => a.kind === 'updateService')).toEqual([]);
  });

  it('rolls back to a warm colour at once, without the steps', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 0, green: 100 }, desired: 'app:11' };
    const promoted: ReleaseStatus = {
      ...atPause(),
      phase: 'Healthy',
      stableRevision: 'app:12',
      stableColour: 'green',
      rollout: null,
      warmColour: { colour: 'blue', revision: 'app:11', scaleDownAt: new Date(T0 + 60 * MIN).toISOString() },
    };
    const result = pass({ status: promoted, world, release: canaryRelease('app:11'), now: T0 + 5 * MIN });
    expect(result.status.rollout).toMatchObject({ revision: 'app:11', colour: 'blue', fast: true });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
  });

  it('reverts when the new colour is not up within progressDeadline', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12', { runningCount: 0, rollout: 'IN_PROGRESS' }), targets: { blue: 2, green: 0 } };
    const s0 = started();
    expect(pass({ status: s0, world, now: T0 + 9 * MIN }).status.phase).toBe('Progressing');
    const late = pass({ status: s0, world, now: T0 + 11 * MIN });
    expect(late.status.phase).toBe('Degraded');
    expect(late.status.lastRevert).toMatchObject({ condition: 'progressDeadline', revision: 'app:12' });
  });

  it('times progressDeadline from when the wait on the cloud began, not from a long wait for data before it', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    // The pause ended at T0+5m; data covering it only came at T0+15m (after progressDeadline, 10m).
    const waitedForData = pass({ status: atPause(), world, now: T0 + 12 * MIN });
    expect(waitedForData.status.rollout?.cloudWaitSince ?? null).toBeNull();
    const move = pass({ status: waitedForData.status, world, health: allPassing(T0 + 15 * MIN), now: T0 + 15 * MIN });
    expect(move.status.phase).toBe('Progressing');
    expect(move.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 50, green: 50 } })]);
    expect(move.status.rollout?.cloudWaitSince).toBe(new Date(T0 + 15 * MIN).toISOString());
    // The weights never read back: the cloud wait itself runs out 10m later, and only then.
    const stillWaiting = pass({ status: move.status, world, health: allPassing(T0 + 24 * MIN), now: T0 + 24 * MIN });
    expect(stillWaiting.status.phase).toBe('Progressing');
    const late = pass({ status: stillWaiting.status, world, health: allPassing(T0 + 26 * MIN), now: T0 + 26 * MIN });
    expect(late.status.lastRevert).toMatchObject({ condition: 'progressDeadline', failingSince: new Date(T0 + 15 * MIN).toISOString() });
  });

  it('reverts at once when the service of the new colour is deleted mid-rollout, and scales nothing on it', () => {
    const gone = service('app-green', 'app:12', { status: 'INACTIVE', desiredCount: 0, runningCount: 0 });
    const world = { blue: service('app-blue', 'app:11'), green: gone, targets: { blue: 2, green: 0 }, weights: { blue: 90, green: 10 } };
    const result = pass({ status: atPause(), world, health: allPassing(T0 + MIN), now: T0 + MIN });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
    expect(result.status.lastRevert).toMatchObject({ condition: 'service-deleted', revision: 'app:12' });
    const back = pass({ status: result.status, world: { ...world, weights: { blue: 100, green: 0 } }, now: T0 + MIN + 15_000 });
    expect(back.actions).toEqual([]);
    expect(back.status).toMatchObject({ rollout: null, blockedRevision: 'app:12', phase: 'Degraded' });
  });

  it('holds without reverting when automatic rollback is off', () => {
    const release = canaryRelease('app:12', { rollback: { auto: false } });
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 90, green: 10 } };
    const result = pass({ release, status: atPause(), world, health: [failing()] });
    expect(result.actions).toEqual([]);
    expect(result.status.phase).toBe('Degraded');
    expect(result.status.blockedRevision).toBeNull();
  });

  it('pauses when an analysis ends with no data instead of passing it', () => {
    const world = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 }, weights: { blue: 50, green: 50 } };
    const status: ReleaseStatus = { ...atPause(), health: [{ name: 'errors', state: 'Unknown', since: '' }], rollout: { ...atPause().rollout!, stepIndex: 3, stepStartedAt: new Date(T0).toISOString() } };
    const waiting = pass({ status, world, now: T0 + 11 * MIN });
    expect(waiting.status.phase).toBe('Progressing');
    expect(waiting.status.message).toContain('analysis over: no data covering the step for errors');
    expect(waiting.actions).toEqual([]);
    const result = pass({ status, world, now: T0 + 21 * MIN });
    expect(result.status.phase).toBe('Paused');
    expect(result.status.conditions?.find((c) => c.type === 'Paused')?.reason).toBe('NoData');
    // One passing condition is not enough: every condition the step covers needs data.
    const onePassing = pass({ status, world, health: [passing('ecs-tasks', 0, T0 + 11 * MIN)], now: T0 + 11 * MIN });
    expect(onePassing.actions).toEqual([]);
    const withData = pass({ status, world, health: allPassing(T0 + 11 * MIN), now: T0 + 11 * MIN });
    expect(withData.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 0, green: 100 } })]);
  });

  it('puts drift back outside a rollout and says so', () => {
    const world = { blue: service('app-blue', 'app:10'), green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), weights: { blue: 80, green: 20 }, desired: 'app:11' };
    const stable: ReleaseStatus = { ...pass({ world: { ...stableWorld, desired: 'app:11' }, release: canaryRelease('app:11') }).status };
    const result = pass({ status: stable, world, release: canaryRelease('app:11') });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: 'updateService', service: 'app-blue', taskDefinition: 'app:11' }),
      expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } }),
    ]);
    expect(result.status.conditions?.find((c) => c.type === 'Drifted')).toMatchObject({ status: 'True', reason: 'DriftCorrected' });
    expect(result.events.map((e) => e.type)).toContain('DriftCorrected');
    const clean = pass({ status: result.status, world: { ...stableWorld, desired: 'app:11' }, release: canaryRelease('app:11') });
    expect(clean.status.conditions?.find((c) => c.type === 'Drifted')).toBeUndefined();
  });

  it('never fights Application Auto Scaling over the desired count', () => {
    const release = canaryRelease('app:11');
    const world = { blue: service('app-blue', 'app:11', { desiredCount: 5, runningCount: 5 }), green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), desired: 'app:11', autoscaled: ['app-blue'] };
    const status = pass({ release, world }).status;
    expect(pass({ release, status, world }).actions).toEqual([]);
    const notScaled = pass({ release, status, world: { ...world, autoscaled: [] } });
    expect(notScaled.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'app-blue', desiredCount: 2 })]);
  });

  it('reports a missing service as Degraded and acts on nothing', () => {
    const result = pass({ world: { blue: service('app-blue', 'app:11') } });
    expect(result.status.phase).toBe('Degraded');
    expect(result.status.message).toContain('app-green not found');
    expect(result.actions).toEqual([]);
  });

  it('moves lastTransitionTime only when a condition changes status', () => {
    const first = pass({ world: { ...stableWorld, desired: 'app:11' }, release: canaryRelease('app:11') });
    const again = pass({ status: first.status, world: { ...stableWorld, desired: 'app:11' }, release: canaryRelease('app:11'), now: T0 + 10 * MIN });
    const ready = (s: ReleaseStatus) => s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    expect(ready(again.status)).toBe(ready(first.status));
  });
});
