import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';
import { writeCalls, writesSince } from './support/writes.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const condition = (st: ReleaseStatus, type: string) => st.conditions?.find((c) => c.type === type);

describe('a revision that cannot be resolved', () => {
  it('is refused before any write: Stalled with RevisionNotFound, no UpdateService, looked at again only slowly', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    expect(await s.current()).toMatchObject({ phase: 'Healthy', observedGeneration: 1 });
    const before = writeCalls(s.sim);
    const lookups = s.sim.calls['ecs:DescribeTaskDefinition'] ?? 0;

    s.apply(aepCanary('aep-backend-prod:999'));
    await s.run(12 * 60_000);

    const st = await s.current();
    expect(st.phase).toBe('Stalled');
    expect(st.desiredRevision).toBe('aep-backend-prod:999');
    expect(st.stableRevision).toBe('aep-backend-prod:11');
    expect(condition(st, 'Stalled')).toMatchObject({ status: 'True', reason: 'RevisionNotFound' });
    expect(condition(st, 'Stalled')?.message).toContain('aep-backend-prod:999');
    expect(condition(st, 'Ready')).toMatchObject({ status: 'False', reason: 'RevisionNotFound' });
    // The spec it could not act on is not the spec the status is about.
    expect(st.observedGeneration).toBe(1);
    expect(writesSince(s.sim, before)).toEqual({});
    // Every resync looks at it, but AWS is asked again only every 5 minutes: at 0, 5 and 10.
    expect((s.sim.calls['ecs:DescribeTaskDefinition'] ?? 0) - lookups).toBe(3);
    expect(s.sim.inspect.weights({ listenerArn: AEP.listener }).find((w) => w.targetGroupArn === AEP.blueTg)?.weight).toBe(100);
  });

  it('mid-rollout, winds the rollout it replaced back to stable instead of leaving it unwatched, then stalls', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 10, 20 * 60_000);
    const before = writeCalls(s.sim);

    s.apply(aepCanary('aep-backend-prod:999'));
    await s.run(15_000);
    // At once: all traffic back on the stable revision, never an UpdateService to the missing one.
    expect(s.sim.inspect.weights({ listenerArn: AEP.listener }).find((w) => w.targetGroupArn === AEP.blueTg)?.weight).toBe(100);
    const st = await s.current();
    expect(st.phase).toBe('Stalled');
    expect(st.desiredRevision).toBe('aep-backend-prod:999');
    expect(condition(st, 'Stalled')).toMatchObject({ status: 'True', reason: 'RevisionNotFound' });
    expect(Object.keys(writesSince(s.sim, before))).toEqual(['elbv2:ModifyListener']);

    await s.run(12 * 60_000);
    const later = await s.current();
    expect(later).toMatchObject({ phase: 'Stalled', stableRevision: 'aep-backend-prod:11', rollout: null });
    expect(s.violations).toEqual([]);
  });

  it('clears Stalled by itself once the spec names a revision that exists', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:999'));
    await s.run(60_000);
    expect((await s.current()).phase).toBe('Stalled');

    s.apply(aepCanary('aep-backend-prod:12'));
    await s.run(15_000);
    const st = await s.current();
    expect(st.phase).toBe('Progressing');
    expect(condition(st, 'Stalled')).toBeUndefined();
    expect(st.observedGeneration).toBe(3);
    await s.runUntil((x) => x?.phase === 'Healthy' && x.stableRevision === 'aep-backend-prod:12', 60 * 60_000);
    expect(s.violations).toEqual([]);
  });
});

describe('spec.revision.image on a Release seen for the first time', () => {
  const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-backend@sha256:' + 'c'.repeat(64);

  it('derives the new revision from what the colour carrying traffic runs now', async () => {
    const world = await demoWorld((w) => {
      // green carries the traffic, on a revision with a sidecar blue's revision does not have
      w.taskDefinitions.push({
        family: 'aep-backend-prod',
        revision: 20,
        containers: [
          { name: 'backend', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-backend@sha256:' + '2'.repeat(64), port: 8000 },
          { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29' },
        ],
        profile: { startup: '30s', errorRate: 0.001, latencyMs: { p50: 40, p95: 120, p99: 240 } },
      });
      const green = w.services.find((svc) => svc.name === AEP.green);
      if (green) Object.assign(green, { taskDefinition: 'aep-backend-prod:20', desiredCount: 2 });
      const listener = w.listeners?.find((l) => l.arn === AEP.listener);
      for (const f of listener?.forward ?? []) f.weight = f.targetGroupArn === AEP.greenTg ? 100 : 0;
    });
    const release = aepCanary('unused', (r) => {
      r.spec.revision = { image: { container: 'backend', uri: image } };
    });
    s = await scenario({ world, release, listener: { listenerArn: AEP.listener } });
    await s.run(30_000);

    const st = await s.current();
    expect(st.stableColour).toBe('green');
    expect(st.stableRevision).toBe('aep-backend-prod:20');
    expect(st.desiredRevision).toBe('aep-backend-prod:21');
    const registered = await s.sim.provider(undefined).ecs.describeTaskDefinition('aep-backend-prod:21');
    expect(registered.containers).toEqual([
      { name: 'backend', image },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29' },
    ]);
    expect(st.phase).toBe('Progressing');
    expect(s.sim.calls['ecs:RegisterTaskDefinition']).toBe(1);
    await s.run(60_000);
    // Found again on later passes, never registered twice.
    expect(s.sim.calls['ecs:RegisterTaskDefinition']).toBe(1);
  });
});
