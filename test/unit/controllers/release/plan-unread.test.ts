import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../../src/api/types.js';
import type { Observation, ObservedPart, UnreadGap } from '../../../../controllers/release/observation.js';
import { plan, type PlanResult } from '../../../../controllers/release/plan.js';
import { allPassing, canaryRelease, checked, failing, MIN, observation, pass, rollingRelease, service, T0, type Pass } from './plan-fixtures.js';

const API: Record<ObservedPart, string> = {
  desiredRevision: 'ecs:DescribeTaskDefinition',
  services: 'ecs:DescribeServices',
  traffic: 'elbv2:DescribeListeners',
  preview: 'elbv2:DescribeListeners',
  targets: 'elbv2:DescribeTargetHealth',
  autoscaled: 'application-autoscaling:DescribeScalableTargets',
  stoppedTasks: 'ecs:ListTasks',
  jobs: 'ecs:DescribeTasks',
};

/** What observe() returns when these reads were throttled: the parts left unknown, the gaps named. */
function withUnread(observed: Observation, parts: ObservedPart[]): Observation {
  const unread: UnreadGap[] = parts.map((part) => ({ part, what: API[part], code: 'Throttled', message: 'Rate exceeded' }));
  const { traffic, ...rest } = observed;
  return {
    ...rest,
    ...(parts.includes('traffic') ? {} : traffic ? { traffic } : {}),
    services: parts.includes('services') ? {} : observed.services,
    targets: parts.includes('targets') ? {} : observed.targets,
    autoscaled: parts.includes('autoscaled') ? {} : observed.autoscaled,
    stoppedTasks: parts.includes('stoppedTasks') ? [] : observed.stoppedTasks,
    unread,
  };
}

function unreadPass(p: Pass, parts: ObservedPart[]): PlanResult {
  const release = p.release ?? canaryRelease(p.world.desired ?? 'app:12');
  return plan({
    release,
    generation: p.generation ?? 1,
    sourceRevision: 'main@sha1:abc',
    status: p.status as ReleaseStatus,
    observed: withUnread(observation(p.world), parts),
    health: p.health ?? [],
    operations: [],
    now: p.now ?? T0,
    evidence: checked(observation(p.world)),
  });
}

const stableWorld = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), targets: { blue: 2, green: 0 } };
const upWorld = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 } };

/** Green up and 10% read back: step 1 reached, in the 5m pause. */
function atPause(): ReleaseStatus {
  const s0 = pass({ world: { ...stableWorld, desired: 'app:12' } }).status;
  const s1 = pass({ status: s0, world: upWorld }).status;
  return pass({ status: s1, world: { ...upWorld, weights: { blue: 90, green: 10 } } }).status;
}

function stable(): ReleaseStatus {
  return pass({ world: { ...stableWorld, desired: 'app:11' }, release: canaryRelease('app:11') }).status;
}

describe('plan: a pass whose reads partly failed', () => {
  it('does not take an unread service for a missing one, and says what it could not read', () => {
    const result = unreadPass({ status: atPause(), world: { ...upWorld, weights: { blue: 90, green: 10 } }, now: T0 + MIN }, ['services']);
    expect(result.status.phase).not.toBe('Degraded');
    expect(result.status.conditions?.find((c) => c.reason === 'ServiceMissing')).toBeUndefined();
    expect(result.status.conditions?.find((c) => c.type === 'ObservationIncomplete')).toMatchObject({
      status: 'True',
      reason: 'ReadFailed',
      message: expect.stringContaining('ecs:DescribeServices Throttled'),
    });
    expect(result.actions).toEqual([]);
  });

  it('does not take unread weights for drift: no weight is written during a step', () => {
    const result = unreadPass({ status: atPause(), world: upWorld, now: T0 + MIN }, ['traffic']);
    expect(result.actions).toEqual([]);
    expect(result.status.weights).toEqual({ blue: 90, green: 10 });
  });

  it('moves no step forward while the observation is incomplete, and says why it holds', () => {
    const status = atPause();
    const world = { ...upWorld, weights: { blue: 90, green: 10 } };
    // The 5m pause is over: a complete pass would set 50%.
    expect(pass({ status, world, health: allPassing(T0 + 6 * MIN), now: T0 + 6 * MIN }).actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 50, green: 50 } })]);
    const held = unreadPass({ status, world, health: allPassing(T0 + 6 * MIN), now: T0 + 6 * MIN }, ['stoppedTasks']);
    expect(held.actions).toEqual([]);
    expect(held.status.rollout?.stepIndex).toBe(status.rollout?.stepIndex);
    expect(held.status.message).toContain('held while reads fail: ecs:ListTasks Throttled');
    expect(held.requeueAfter).toBe(15_000);
  });

  it('still reverts with ECS unread: weights move back at once, the scale-down waits for a pass that reads ECS', () => {
    const world = { ...upWorld, weights: { blue: 90, green: 10 } };
    const reverted = unreadPass({ status: atPause(), world, health: [failing('errors', 7.5)], now: T0 + 2 * MIN }, ['services', 'stoppedTasks', 'autoscaled']);
    expect(reverted.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
    expect(reverted.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'app:12', stableRevision: 'app:11' });
    expect(reverted.status.lastRevert).toMatchObject({ condition: 'errors', value: 7.5 });

    // Weights read back on stable, ECS still unread: nothing more is written, the wind-back stays open.
    const back = { ...world, weights: { blue: 100, green: 0 } };
    const waiting = unreadPass({ status: reverted.status, world: back, now: T0 + 2 * MIN + 15_000 }, ['services']);
    expect(waiting.actions).toEqual([]);
    expect(waiting.status.rollout).toMatchObject({ result: 'Reverted' });
    expect(waiting.status.message).toContain('scaled down once ECS can be read');

    const done = pass({ status: waiting.status, world: back, now: T0 + 2 * MIN + 30_000 });
    expect(done.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'app-green', desiredCount: 0 })]);
    expect(done.status.rollout).toBeNull();
    expect(done.status.conditions?.find((c) => c.type === 'ObservationIncomplete')).toBeUndefined();
  });

  it('with weights and ECS both unread, a revert writes the weights back and nothing else', () => {
    const result = unreadPass({ status: atPause(), world: upWorld, health: [failing('errors', 7.5)], now: T0 + 2 * MIN }, ['services', 'traffic']);
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 100, green: 0 } })]);
    expect(result.status.blockedRevision).toBe('app:12');
  });

  it('fights no autoscaler it could not ask about: no desired count is put back', () => {
    const drifted = { ...stableWorld, blue: service('app-blue', 'app:11', { desiredCount: 5, runningCount: 5 }), desired: 'app:11' };
    expect(pass({ status: stable(), world: drifted, release: canaryRelease('app:11') }).actions).toEqual([
      expect.objectContaining({ kind: 'updateService', service: 'app-blue', desiredCount: 2 }),
    ]);
    const result = unreadPass({ status: stable(), world: drifted, release: canaryRelease('app:11') }, ['autoscaled']);
    expect(result.actions).toEqual([]);
  });

  it('starts no rollout on a partial look (a warm colour could not be told from a cold one)', () => {
    const result = unreadPass({ status: stable(), world: { ...stableWorld, desired: 'app:12' } }, ['services']);
    expect(result.actions).toEqual([]);
    expect(result.status.rollout ?? null).toBeNull();
    expect(result.status.phase).toBe('Healthy');
    expect(result.status.message).toContain('app:12 waits to start: held while reads fail');
  });
});

describe('plan: rolling, a pass whose reads partly failed', () => {
  const svc = (revision: string) => service('web-svc', revision, { desiredCount: 3, runningCount: 3 });
  const rolling = (status: ReleaseStatus | undefined, health = [] as Pass['health']) => ({
    release: rollingRelease('web:8'),
    ...(status ? { status } : {}),
    world: { desired: 'web:8', services: [svc('web:8')], targets: { service: 3 } },
    health,
    now: T0 + MIN,
  });

  it('still puts the stable revision back when the service could not be read', () => {
    const s0 = pass({ release: rollingRelease('web:8'), world: { desired: 'web:8', services: [svc('web:7')] } }).status;
    const result = unreadPass(rolling(s0, [failing('errors', 12)]), ['services']);
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'web-svc', taskDefinition: 'web:7' })]);
    expect(result.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'web:8', stableRevision: 'web:7', rollout: { result: 'Reverted' } });
  });

  it('holds a rollout with nothing failing and the service unread: not missing, nothing written', () => {
    const s0 = pass({ release: rollingRelease('web:8'), world: { desired: 'web:8', services: [svc('web:7')] } }).status;
    const result = unreadPass(rolling(s0), ['services']);
    expect(result.actions).toEqual([]);
    expect(result.status.phase).toBe('Progressing');
    expect(result.status.message).toContain('held while reads fail: ecs:DescribeServices Throttled');
  });
});
