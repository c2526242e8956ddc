import { afterEach, describe, expect, it } from 'vitest';
import type { HooksSpec, Release, Step } from '../../src/api/types.js';
import type { SimWorld } from '../../src/sim/world.js';
import { AEP, aepCanary, aepRevision } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const LOGS = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/aep-backend', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'aep' } };
const PREVIEW_RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/aep-prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/7b5d3f9c2e4a6b81';
const MIGRATE: HooksSpec = { preDeploy: [{ name: 'migrate', job: { container: 'backend', command: ['alembic', 'upgrade', 'head'], timeout: '10m' } }] };

/** aep-backend-prod:14 with its own behaviour, logging to CloudWatch Logs like a real task definition. */
function revision14(profile: Record<string, unknown>): (w: SimWorld) => void {
  return (w) => {
    const td = aepRevision(14, profile);
    w.taskDefinitions.push({ ...td, containers: td.containers.map((c) => ({ ...c, logConfiguration: LOGS })) });
  };
}

function withJobs(revision: string, change: { hooks?: HooksSpec; steps?: Step[] }, more: (r: Release) => void = () => {}): Release {
  return aepCanary(revision, (r) => {
    if (change.hooks) r.spec.hooks = change.hooks;
    if (change.steps && r.spec.strategy.canary) r.spec.strategy.canary.steps = change.steps;
    more(r);
  });
}

const oneOffStarts = (sc: Scenario): number => sc.sim.events.filter((e) => e.kind === 'task.started' && e.subject.endsWith('(one-off)')).length;
const greenWeights = (sc: Scenario): number[] => sc.weightWrites.flatMap((w) => w.weights.filter((x) => x.targetGroupArn === AEP.greenTg).map((x) => x.weight));

async function stable(world: SimWorld, release: (rev: string) => Release): Promise<Scenario> {
  const sc = await scenario({ world, release: release('aep-backend-prod:11'), listener: { listenerArn: AEP.listener }, http: true });
  await sc.run(60_000);
  return sc;
}

describe('preDeploy: migrations before code (runbook 000 §4)', () => {
  it('a migration that fails blocks the revision: the new colour never starts and no traffic moves', async () => {
    const world = await demoWorld(revision14({ runTask: { duration: '40s', exitCode: 3 } }));
    const release = (rev: string) => withJobs(rev, { hooks: MIGRATE });
    s = await stable(world, release);
    const updatesBefore = s.sim.calls['ecs:UpdateService'] ?? 0;
    s.apply(release('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 10 * 60_000);

    const status = await s.current();
    expect(status.blockedRevision).toBe('aep-backend-prod:14');
    expect(status.stableRevision).toBe('aep-backend-prod:11');
    expect(status.history?.[0]).toMatchObject({ revision: 'aep-backend-prod:14', result: 'Reverted' });
    expect(status.history?.[0]?.reason).toContain('preDeploy job migrate failed: exited 3');
    const run = status.lastRevert?.job;
    expect(run).toMatchObject({ name: 'migrate', hook: 'preDeploy', state: 'Failed', exitCode: 3, stoppedReason: 'Essential container in task exited' });
    const taskId = run?.taskArn?.split('/').pop();
    expect(run?.log).toEqual({ group: '/ecs/aep-backend', stream: `aep/backend/${taskId}`, region: 'us-east-1' });
    // Nothing moved: no weight written, no UpdateService (the green colour stayed at 0 tasks).
    expect(s.weightWrites).toEqual([]);
    expect(s.sim.calls['ecs:UpdateService'] ?? 0).toBe(updatesBefore);
    const [green] = (await s.sim.provider(undefined).ecs.describeServices(AEP.cluster, [AEP.green])).services;
    expect(green?.desiredCount).toBe(0);
    expect(s.events.map((e) => e.type)).toEqual(expect.arrayContaining(['JobStarted', 'JobFailed', 'Reverted']));
    expect(oneOffStarts(s)).toBe(1);
    expect(s.violations).toEqual([]);
  });

  it('a migration that succeeded is not run again when the revision is retried, unless asked', async () => {
    // The migration passes; the revision then fails on 5xx, so it is blocked and retried.
    const world = await demoWorld(revision14({ runTask: { duration: '20s', exitCode: 0 }, errorRate: 0.4 }));
    const release = (rev: string) => withJobs(rev, { hooks: MIGRATE });
    s = await stable(world, release);
    s.apply(release('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 20 * 60_000);
    expect((await s.current()).jobs?.find((j) => j.name === 'migrate')).toMatchObject({ state: 'Succeeded', attempt: 1, exitCode: 0 });
    expect(oneOffStarts(s)).toBe(1);

    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'retry', requestedAt: s.clock.now() });
    await s.runUntil((st) => !!st?.rollout, 60_000);
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 20 * 60_000);
    expect(oneOffStarts(s)).toBe(1);

    await s.store.requestOperation({ release: 'aep-backend-prod', kind: 'retry', requestedAt: s.clock.now(), rerunJobs: true });
    await s.runUntil((st) => st?.jobs?.[0]?.name === 'migrate' && st.jobs[0].attempt === 2 && st.jobs[0].state === 'Succeeded', 5 * 60_000);
    expect(oneOffStarts(s)).toBe(2);
  });

  it('a job past its timeout is stopped and counts as failed', async () => {
    const world = await demoWorld(revision14({ runTask: { duration: '2h', exitCode: 0 } }));
    const release = (rev: string) => withJobs(rev, { hooks: { preDeploy: [{ name: 'migrate', job: { container: 'backend', timeout: '3m' } }] } });
    s = await stable(world, release);
    s.apply(release('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 10 * 60_000);
    await s.run(30_000);

    const status = await s.current();
    const run = status.jobs?.[0];
    expect(run).toMatchObject({ name: 'migrate', state: 'Failed', timedOut: true });
    expect(run?.stoppedReason).toContain('ran past its timeout');
    const started = Date.parse(run?.startedAt as string);
    expect(Date.parse(run?.finishedAt as string) - started).toBeGreaterThanOrEqual(3 * 60_000);
    expect(Date.parse(run?.finishedAt as string) - started).toBeLessThanOrEqual(3 * 60_000 + 15_000);
    const [task] = await s.sim.provider(undefined).ecs.describeTasks(AEP.cluster, [run?.taskArn as string]);
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });
    expect(status.blockedRevision).toBe('aep-backend-prod:14');
    expect(s.weightWrites).toEqual([]);
  });
});

describe('job and http steps', () => {
  it('a smoke test that fails before the first setWeight reverts before any production traffic', async () => {
    const world = await demoWorld(revision14({ runTask: { duration: '30s', exitCode: 1, stoppedReason: 'Essential container in task exited' } }));
    const steps: Step[] = [{ job: { name: 'smoke', container: 'backend', command: ['pytest', 'smoke'], timeout: '5m' } }, { setWeight: 10 }, { setWeight: 100 }];
    const release = (rev: string) => withJobs(rev, { steps });
    s = await stable(world, release);
    s.apply(release('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 10 * 60_000);

    const status = await s.current();
    expect(status.lastRevert).toMatchObject({ condition: 'smoke', value: 1, job: { hook: 'step', exitCode: 1 } });
    expect(status.history?.[0]?.reason).toContain('job step smoke failed: exited 1');
    expect(greenWeights(s).every((w) => w === 0)).toBe(true);
    // The green colour was started for the smoke test, and scaled down again.
    const [green] = (await s.sim.provider(undefined).ecs.describeServices(AEP.cluster, [AEP.green])).services;
    expect(green?.desiredCount).toBe(0);
    expect(s.violations).toEqual([]);
  });

  it('an http step answering 503 on the preview reverts, with no production traffic moved', async () => {
    const world = await demoWorld((w) => {
      revision14({ ready: false })(w);
      w.rules = [...(w.rules ?? []), { arn: PREVIEW_RULE, forward: [{ targetGroupArn: AEP.greenTg, weight: 1 }] }];
      w.endpoints = [...(w.endpoints ?? []), { host: 'aep-preview.example.com', ruleArn: PREVIEW_RULE }];
    });
    const steps: Step[] = [{ http: { name: 'ready', url: 'https://aep-preview.example.com/health/ready', expectStatus: 200 } }, { setWeight: 10 }, { setWeight: 100 }];
    const release = (rev: string) => withJobs(rev, { steps });
    s = await stable(world, release);
    s.apply(release('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 10 * 60_000);

    const status = await s.current();
    expect(status.lastRevert).toMatchObject({ condition: 'ready', value: 503, job: { kind: 'http', statusCode: 503 } });
    expect(status.history?.[0]?.reason).toContain('http step ready failed: status 503 (expected 200)');
    expect(greenWeights(s).every((w) => w === 0)).toBe(true);
  });
});

describe('postPromote', () => {
  it('a failing postPromote job is reported and never reverts', async () => {
    const world = await demoWorld(revision14({ runTask: { duration: '20s', exitCode: 1 } }));
    const release = (rev: string) =>
      withJobs(rev, { hooks: { postPromote: [{ name: 'warm-cache', job: { container: 'backend', command: ['warm'] } }] }, steps: [{ setWeight: 50 }, { setWeight: 100 }] });
    s = await stable(world, release);
    s.apply(release('aep-backend-prod:14'));
    await s.runUntil((st) => st?.jobs?.some((j) => j.name === 'warm-cache' && j.state === 'Failed') ?? false, 30 * 60_000);
    await s.run(2 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ phase: 'Healthy', stableRevision: 'aep-backend-prod:14', blockedRevision: null });
    expect(status.history?.[0]).toMatchObject({ revision: 'aep-backend-prod:14', result: 'Promoted' });
    expect(status.weights).toEqual({ blue: 0, green: 100 });
    expect(status.jobs?.[0]).toMatchObject({ name: 'warm-cache', hook: 'postPromote', exitCode: 1 });
    const failed = s.events.find((e) => e.type === 'JobFailed');
    expect(failed).toMatchObject({ toRevision: 'aep-backend-prod:14', job: { name: 'warm-cache', hook: 'postPromote', exitCode: 1 } });
    expect(s.events.some((e) => e.type === 'Reverted')).toBe(false);
    expect(oneOffStarts(s)).toBe(1);
  });
});
