import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, aepRevision } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

describe('a crash-looping revision', () => {
  it('never gets traffic, is reverted within one interval of as many crashes as the colour has tasks, and the stopped reasons are kept', async () => {
    const world = await demoWorld((w) => {
      w.taskDefinitions.push(aepRevision(14, { startup: '20s', crashOnStart: { exitCode: 1, reason: 'Essential container in task exited', after: '5s' } }));
    });
    s = await scenario({ world, release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 15 * 60_000);

    const status = await s.current();
    expect(status).toMatchObject({ stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:14', weights: { blue: 100, green: 0 } });
    expect(status.lastRevert?.condition).toBe('ecs-tasks');
    expect(status.lastRevert?.stoppedTasks?.length).toBeGreaterThanOrEqual(2);
    expect(status.lastRevert?.stoppedTasks?.[0]).toMatchObject({ stoppedReason: expect.stringContaining('Essential container in task exited'), exitCode: 1 });
    // The green colour never took a request.
    expect(s.samples.every((x) => (x.weights?.green ?? 0) === 0)).toBe(true);
    expect(s.weightWrites).toEqual([]);

    // The colour runs 2 tasks: once both have crashed it has failed. Reverted within one health interval (15s).
    const stops = s.sim.events.filter((e) => e.kind === 'task.stopped' && JSON.stringify(e).includes('aep-backend-prod:14')).map((e) => e.at);
    const second = stops.sort((a, b) => a - b)[1] as number;
    expect(Date.parse(status.lastRevert?.revertedAt as string) - second).toBeLessThanOrEqual(15_000);

    await s.run(2 * 60_000);
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBe(0);
    expect(s.violations).toEqual([]);
  });
});
