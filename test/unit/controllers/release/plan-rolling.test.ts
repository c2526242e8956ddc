import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../../src/api/types.js';
import { allPassing, failing, MIN, pass, rollingRelease, service, T0 } from './plan-fixtures.js';

const svc = (revision: string, options = {}) => service('web-svc', revision, { desiredCount: 3, runningCount: 3, ...options });

function rollingPass(revision: string, status: ReleaseStatus | undefined, world: Parameters<typeof pass>[0]['world'], extra: Partial<Parameters<typeof pass>[0]> = {}) {
  return pass({ release: rollingRelease(revision), ...(status ? { status } : {}), world: { desired: revision, ...world }, ...extra });
}

describe('plan: rolling', () => {
  it('updates the one service to the desired revision', () => {
    const result = rollingPass('web:8', undefined, { services: [svc('web:7')] });
    expect(result.status).toMatchObject({ phase: 'Progressing', stableRevision: 'web:7', desiredRevision: 'web:8' });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'web-svc', taskDefinition: 'web:8' })]);
  });

  it('waits for the ECS deployment, bakes, then promotes', () => {
    const s0 = rollingPass('web:8', undefined, { services: [svc('web:7')] }).status;
    const deploying = rollingPass('web:8', s0, { services: [svc('web:8', { runningCount: 1, rollout: 'IN_PROGRESS' })], targets: { service: 1 } }, { now: T0 + MIN });
    expect(deploying.actions).toEqual([]);
    expect(deploying.status.message).toContain('1/3 tasks running');
    const done = rollingPass('web:8', deploying.status, { services: [svc('web:8')], targets: { service: 3 } }, { now: T0 + 2 * MIN });
    expect(done.status.phase).toBe('Progressing');
    expect(done.status.message).toContain('watching health');
    const unmeasured = rollingPass('web:8', done.status, { services: [svc('web:8')], targets: { service: 3 } }, { now: T0 + 5 * MIN });
    expect(unmeasured.status.phase).toBe('Progressing');
    expect(unmeasured.status.message).toContain('no data covering the step for ecs-tasks');
    const promoted = rollingPass('web:8', done.status, { services: [svc('web:8')], targets: { service: 3 } }, { health: allPassing(T0 + 5 * MIN, []), now: T0 + 5 * MIN });
    expect(promoted.status).toMatchObject({ phase: 'Healthy', stableRevision: 'web:8', rollout: null });
    expect(promoted.status.history?.[0]).toMatchObject({ revision: 'web:8', fromRevision: 'web:7', result: 'Promoted' });
  });

  it('reverts the service to the stable revision when a condition fails', () => {
    const s0 = rollingPass('web:8', undefined, { services: [svc('web:7')] }).status;
    const result = rollingPass('web:8', s0, { services: [svc('web:8')], targets: { service: 3 } }, { health: [failing('errors', 12)], now: T0 + MIN });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'web-svc', taskDefinition: 'web:7' })]);
    expect(result.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'web:8', stableRevision: 'web:7', rollout: { result: 'Reverted' } });
    // The wind-back is over once ECS reads back the stable revision.
    const back = rollingPass('web:8', result.status, { services: [svc('web:7')], targets: { service: 3 } }, { now: T0 + 2 * MIN });
    expect(back.actions).toEqual([]);
    expect(back.status).toMatchObject({ phase: 'Degraded', rollout: null });
  });

  it('keeps winding back, and says so, while the UpdateService back to stable has not landed (found by chaos seed 197)', () => {
    const s0 = rollingPass('web:8', undefined, { services: [svc('web:7')] }).status;
    const reverting = rollingPass('web:8', s0, { services: [svc('web:8')], targets: { service: 3 } }, { health: [failing('errors', 12)], now: T0 + MIN });
    // The UpdateService was throttled: ECS still runs web:8 on the next pass.
    const again = rollingPass('web:8', reverting.status, { services: [svc('web:8')], targets: { service: 3 } }, { now: T0 + 2 * MIN });
    expect(again.actions).toEqual([expect.objectContaining({ kind: 'updateService', service: 'web-svc', taskDefinition: 'web:7' })]);
    expect(again.status.rollout).toMatchObject({ result: 'Reverted' });
    expect(again.status.message).toContain('putting web-svc back on web:7');
  });

  it('treats an ECS deployment that failed (circuit breaker) as a failure', () => {
    const s0 = rollingPass('web:8', undefined, { services: [svc('web:7')] }).status;
    const arn = (r: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${r}`;
    const rolledBack = svc('web:7', {
      deployments: [
        { id: 'a', status: 'PRIMARY', taskDefinition: arn('web:7'), desiredCount: 3, runningCount: 3, pendingCount: 0, failedTasks: 0, rolloutState: 'IN_PROGRESS', createdAt: T0, updatedAt: T0 },
        { id: 'b', status: 'ACTIVE', taskDefinition: arn('web:8'), desiredCount: 0, runningCount: 0, pendingCount: 0, failedTasks: 3, rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker: task failed to start', createdAt: T0, updatedAt: T0 },
      ],
    });
    const result = rollingPass('web:8', s0, { services: [rolledBack] }, { now: T0 + 3 * MIN });
    expect(result.status.phase).toBe('Degraded');
    expect(result.status.history?.[0]?.reason).toContain('circuit breaker');
    expect(result.actions).toEqual([]);
  });

  it('puts a manual update-service back when no rollout is wanted', () => {
    const stable = rollingPass('web:7', undefined, { services: [svc('web:7')] }).status;
    const drifted = rollingPass('web:7', stable, { services: [svc('web:9')] });
    expect(drifted.actions).toEqual([expect.objectContaining({ kind: 'updateService', taskDefinition: 'web:7' })]);
    expect(drifted.status.conditions?.find((c) => c.type === 'Drifted')?.message).toContain('ran web:9');
  });
});
