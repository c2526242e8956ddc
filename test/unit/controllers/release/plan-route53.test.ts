import { describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../../../src/api/types.js';
import { plan } from '../../../../controllers/release/plan.js';
import { allPassing, checked, MIN, observation, pass, service, T0, TG } from './plan-fixtures.js';

function blueGreen(revision: string): Release {
  return {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'web' },
    spec: {
      cluster: 'prod',
      revision: { taskDefinition: revision },
      replicas: 2,
      strategy: {
        blueGreen: {
          services: { blue: 'app-blue', green: 'app-green' },
          traffic: { route53: { hostedZoneId: 'Z1', recordName: 'app.example.org', recordType: 'A', setIdentifiers: { blue: 'b', green: 'g' } } },
          scaleDownDelay: '30m',
        },
      },
      rollback: { bakeTime: '0s' },
    },
  };
}

describe('plan: blueGreen on Route53', () => {
  const up = { blue: service('app-blue', 'app:1'), green: service('app-green', 'app:2'), targets: { blue: 2, green: 2 }, desired: 'app:2' };

  function switched(): ReleaseStatus {
    const s0 = pass({ release: blueGreen('app:2'), world: { ...up, green: service('app-green', 'app:1', { desiredCount: 0, runningCount: 0 }) } }).status;
    const written = pass({ release: blueGreen('app:2'), status: s0, world: up });
    expect(written.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 0, green: 100 } })]);
    return { ...written.status, rollout: { ...written.status.rollout!, trafficChangeId: 'C1' } };
  }

  it('switches all traffic at once and counts it only once the change is INSYNC and one TTL has passed', () => {
    const status = switched();
    const world = { ...up, weights: { blue: 0, green: 100 } };
    const pending = pass({ release: blueGreen('app:2'), status, world: { ...world, traffic: { changeStatus: 'PENDING', ttlSeconds: 60 } } });
    expect(pending.status.phase).toBe('Progressing');
    expect(pending.status.message).toContain('INSYNC');

    const insync = pass({ release: blueGreen('app:2'), status: pending.status, world: { ...world, traffic: { changeStatus: 'INSYNC', ttlSeconds: 60 } }, now: T0 + 30_000 });
    expect(insync.status.phase).toBe('Progressing');
    expect(insync.status.message).toContain('TTL');
    expect(insync.requeueAfter).toBe(15_000);

    const settledWorld = { ...world, traffic: { changeStatus: 'INSYNC' as const, ttlSeconds: 60 } };
    const settled = pass({ release: blueGreen('app:2'), status: insync.status, world: settledWorld, now: T0 + 30_000 + MIN });
    // Even a zero bake needs one check taken after the switch counted before promotion.
    expect(settled.status.phase).toBe('Progressing');
    const measured = pass({ release: blueGreen('app:2'), status: settled.status, world: settledWorld, health: allPassing(T0 + 45_000 + MIN, []), now: T0 + 45_000 + MIN });
    expect(measured.status).toMatchObject({ phase: 'Healthy', stableRevision: 'app:2', stableColour: 'green' });
  });

  it('points the preview listener at the new colour once it is up, before any real traffic moves', () => {
    const release = blueGreen('app:2');
    release.spec.strategy.blueGreen!.preview = { listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb/1/9' };
    release.spec.strategy.blueGreen!.prePromotionAnalysis = { duration: '5m' };
    const s0 = pass({ release, world: { ...up, green: service('app-green', 'app:1', { desiredCount: 0, runningCount: 0 }) } }).status;
    const observed = observation({ ...up });
    const result = plan({
      release,
      generation: 1,
      status: s0,
      observed: { ...observed, preview: { [TG.blue]: 100, [TG.green]: 0 } },
      health: [],
      operations: [],
      now: T0 + MIN,
      evidence: checked(observed),
    });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: 'setPreviewWeights', targetGroups: [{ targetGroupArn: TG.blue, weight: 0 }, { targetGroupArn: TG.green, weight: 100 }] }),
    ]);
    const pointed = plan({ release, generation: 1, status: result.status, observed: { ...observed, preview: { [TG.blue]: 0, [TG.green]: 100 } }, health: [], operations: [], now: T0 + 2 * MIN, evidence: checked(observed) });
    expect(pointed.actions).toEqual([]);
    expect(pointed.status.message).toContain('analysis');
  });

  it('judges the conditions it can before the switch: metrics wait for traffic, unless the analysis names them', () => {
    const analysed = (conditions?: string[]): Release => {
      const release = blueGreen('app:2');
      release.spec.health = {
        interval: '15s',
        conditions: [
          { name: 'ready', http: { url: 'https://app.example.org/health/ready' } },
          { name: 'errors', metric: { builtin: 'errorRate', max: 5 } },
        ],
      };
      release.spec.strategy.blueGreen!.prePromotionAnalysis = { duration: '5m', ...(conditions ? { conditions } : {}) };
      return release;
    };
    const run = (release: Release) => {
      const s0 = pass({ release, world: { ...up, green: service('app-green', 'app:1', { desiredCount: 0, runningCount: 0 }) } }).status;
      const s1 = pass({ release, status: s0, world: up, now: T0 + 1_000 }).status;
      // The analysis is over; the error rate of a colour without traffic has no data.
      const errors = { name: 'errors', state: 'Unknown' as const, since: new Date(T0).toISOString(), checkedAt: new Date(T0 + 6 * MIN).toISOString() };
      return pass({ release, status: s1, world: up, health: [...allPassing(T0 + 6 * MIN, ['ready']), errors], now: T0 + 6 * MIN });
    };
    expect(run(analysed()).actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 0, green: 100 } })]);
    const named = run(analysed(['ready', 'errors']));
    expect(named.actions).toEqual([]);
    expect(named.status.message).toContain('no data covering the step for errors');
  });

  it('waits for a human before switching when autoPromote is false', () => {
    const release = blueGreen('app:2');
    release.spec.strategy.blueGreen!.autoPromote = false;
    const s0 = pass({ release, world: { ...up, green: service('app-green', 'app:1', { desiredCount: 0, runningCount: 0 }) } }).status;
    const paused = pass({ release, status: s0, world: up });
    expect(paused.status.phase).toBe('Paused');
    expect(paused.actions).toEqual([]);
    const promoted = pass({ release, status: paused.status, world: up, operations: [{ seq: 1, kind: 'promote' }] });
    expect(promoted.actions).toEqual([expect.objectContaining({ kind: 'setWeights', weights: { blue: 0, green: 100 } })]);
  });
});
