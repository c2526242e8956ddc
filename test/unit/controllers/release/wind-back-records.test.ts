import { describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../../../src/api/types.js';
import type { EcsTask } from '../../../../src/cloud/ports.js';
import { plan } from '../../../../controllers/release/plan.js';
import { canaryRelease, checked, failing, initialStatus, MIN, observation, pass, rollingRelease, service, T0, type World } from './plan-fixtures.js';

const UP: World = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:12'), targets: { blue: 2, green: 2 } };

/** Status with green up on app:12 and weights at 10% (in the pause of step 2). */
function atPause(release: Release = canaryRelease('app:12')): ReleaseStatus {
  const stable = { blue: UP.blue, green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), targets: { blue: 2, green: 0 }, desired: 'app:12' };
  const started = pass({ release, world: stable }).status;
  const s1 = pass({ release, status: started, world: UP }).status;
  return pass({ release, status: s1, world: { ...UP, weights: { blue: 90, green: 10 } } }).status;
}

const OOM = 'OutOfMemoryError: Container killed due to memory usage';

function oomTask(id: string): EcsTask {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:12',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppedAt: T0 - 30_000,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [
      { name: 'app', exitCode: 137, reason: OOM },
      { name: 'log-router', exitCode: 0 },
    ],
  };
}

describe('a revert records its evidence', () => {
  it("keeps the metric's window and the condition's failFor apart", () => {
    const release = canaryRelease('app:12', {
      health: { interval: '15s', conditions: [{ name: 'errors', metric: { builtin: 'errorRate', max: '5%', window: '5m' }, failFor: '2m' }] },
    });
    const world = { ...UP, weights: { blue: 90, green: 10 } };
    const result = pass({ release, status: atPause(release), world, health: [failing('errors', 7.5)], now: T0 + 2 * MIN });
    expect(result.status.lastRevert).toMatchObject({ condition: 'errors', window: '5m', failFor: '2m' });
  });

  it('uses the default metric window when the condition sets none, and no window for other kinds of condition', () => {
    const release = canaryRelease('app:12', {
      health: {
        interval: '15s',
        conditions: [
          { name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' },
          { name: 'ready', http: { url: 'https://app.example.com/health/ready' }, failFor: '2m' },
        ],
      },
    });
    const world = { ...UP, weights: { blue: 90, green: 10 } };
    const metric = pass({ release, status: atPause(release), world, health: [failing('errors', 7.5)], now: T0 + 2 * MIN });
    expect(metric.status.lastRevert).toMatchObject({ window: '1m', failFor: '1m' });
    const http = pass({ release, status: atPause(release), world, health: [failing('ready', 503)], now: T0 + 2 * MIN });
    expect(http.status.lastRevert).toMatchObject({ condition: 'ready', failFor: '2m' });
    expect(http.status.lastRevert).not.toHaveProperty('window');
  });

  it("lists each stopped task's containers with their reason beside the task's stoppedReason and exit code", () => {
    const release = canaryRelease('app:12');
    const observed = { ...observation({ ...UP, weights: { blue: 90, green: 10 } }), stoppedTasks: [oomTask('t1')] };
    const result = plan({
      release,
      generation: 1,
      sourceRevision: 'main@sha1:abc',
      status: atPause(release),
      observed,
      health: [failing('errors', 7.5)],
      operations: [],
      now: T0 + 2 * MIN,
      evidence: checked(observed),
    });
    expect(result.status.lastRevert?.stoppedTasks).toEqual([
      {
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/t1',
        stoppedReason: 'Essential container in task exited',
        exitCode: 137,
        containers: [{ name: 'app', reason: OOM, exitCode: 137 }],
      },
    ]);
  });
});

describe('a superseded rollout', () => {
  it('is announced as a Superseded event (canary): the revision given up and the stable one traffic goes back to', () => {
    const world = { ...UP, weights: { blue: 90, green: 10 }, desired: 'app:13' };
    const result = pass({ status: atPause(), world, release: canaryRelease('app:13') });
    expect(result.events).toEqual([
      expect.objectContaining({ type: 'Superseded', fromRevision: 'app:12', toRevision: 'app:11', reason: 'superseded by app:13' }),
    ]);
    expect(result.status.blockedRevision).toBeNull();
  });

  it('is announced as a Superseded event (rolling)', () => {
    const svc = (revision: string) => service('web-svc', revision, { desiredCount: 3, runningCount: 3 });
    const started = pass({ release: rollingRelease('web:8'), status: initialStatus(), world: { desired: 'web:8', services: [svc('web:7')] } }).status;
    const result = pass({ release: rollingRelease('web:9'), status: started, world: { desired: 'web:9', services: [svc('web:8')] } });
    expect(result.events.filter((e) => e.type === 'Superseded')).toEqual([
      expect.objectContaining({ fromRevision: 'web:8', toRevision: 'web:7', reason: 'superseded by web:9' }),
    ]);
  });
});
