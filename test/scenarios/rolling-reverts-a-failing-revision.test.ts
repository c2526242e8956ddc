import { afterEach, describe, expect, it } from 'vitest';
import { familyRevision } from '../../src/cloud/task-definition-ref.js';
import { aepFrontendRolling } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('the rolling strategy', () => {
  it('rolls a good revision through, then puts the stable one back when the next fails', async () => {
    const world = await demoWorld((w) => {
      w.taskDefinitions.push({
        family: 'aep-frontend-prod',
        revision: 9,
        containers: [{ name: 'frontend', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-frontend@sha256:' + '9'.repeat(64), port: 3000 }],
        profile: { startup: '20s', errorRate: 0.2, latencyMs: { p50: 25, p95: 80, p99: 150 } },
      });
      // Leave the revert to keelson: without a native circuit breaker, ECS would keep going.
      const svc = w.services.find((x) => x.name === 'aep-frontend-prod-svc');
      if (svc) svc.circuitBreaker = { enable: false, rollback: false };
    });
    s = await scenario({ world, release: aepFrontendRolling('aep-frontend-prod:7') });
    await s.run(60_000);
    s.apply(aepFrontendRolling('aep-frontend-prod:8'));
    await s.runUntil((st) => st?.phase === 'Healthy' && st.stableRevision === 'aep-frontend-prod:8', 20 * 60_000);

    s.apply(aepFrontendRolling('aep-frontend-prod:9'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.blockedRevision === 'aep-frontend-prod:9', 20 * 60_000);
    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-frontend-prod:8' });
    expect(status.lastRevert).toMatchObject({ condition: 'errors', revision: 'aep-frontend-prod:9' });
    expect(familyRevision(s.sim.inspect.service('aep-prod', 'aep-frontend-prod-svc').taskDefinition)).toBe('aep-frontend-prod:8');

    // ECS replaces the failing tasks; after that, every running task is on the stable revision again.
    await s.run(10 * 60_000, 15_000);
    const counts = s.sim.inspect.taskCounts('aep-prod', 'aep-frontend-prod-svc');
    expect(Object.keys(counts.healthyByRevision)).toEqual(['aep-frontend-prod:8']);
    expect(counts.healthy).toBe(3);
  });
});
