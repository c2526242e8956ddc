import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, aepRevision } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const OOM = 'OutOfMemoryError: Container killed due to memory usage';

describe('a revision whose container runs out of memory', () => {
  it("is reverted with each stopped task's container reason in the evidence and the revert reason", async () => {
    const world = await demoWorld((w) => {
      w.taskDefinitions.push(aepRevision(14, { startup: '20s', crashOnStart: { exitCode: 137, reason: OOM, after: '5s' } }));
    });
    s = await scenario({ world, release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 15 * 60_000);

    const status = await s.current();
    expect(status.lastRevert?.condition).toBe('ecs-tasks');
    expect(status.lastRevert?.stoppedTasks?.[0]).toMatchObject({
      stoppedReason: 'Essential container in task exited',
      exitCode: 137,
      containers: [{ name: 'backend', reason: OOM, exitCode: 137 }],
    });
    expect(status.history?.[0]?.reason).toContain(`exit 137: ${OOM}`);
    expect(s.violations).toEqual([]);
  });
});
