import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { StaleFenceError } from '../../src/store/store.js';
import { AEP, aepCanary } from './support/releases.js';
import { advanceUntil, demoWorld } from './support/scenario.js';

const stages: Stage[] = [];
let folder: string | undefined;
afterEach(async () => {
  for (const s of stages.splice(0)) await s.close().catch(() => undefined);
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('a controller killed mid-rollout', () => {
  it('is replaced by one that resumes from the same step, with no step repeated and no extra deployment', async () => {
    folder = await mkdtemp(join(tmpdir(), 'keelson-restart-'));
    const store = new DirStateStore({ folder });
    const first = await createStage({ world: await demoWorld(), store, holder: 'controller-a' });
    stages.push(first);
    first.source.apply(aepCanary('aep-backend-prod:11'));
    await first.advance(60_000);
    first.source.apply(aepCanary('aep-backend-prod:12'));
    await advanceUntil(first, async () => ((await store.getStatus('aep-backend-prod'))?.rollout?.stepIndex ?? 0) >= 2, 15 * 60_000);
    const atStop = await store.getStatus('aep-backend-prod');
    const stopIndex = atStop?.rollout?.stepIndex as number;
    expect(stopIndex).toBeGreaterThanOrEqual(2);
    expect(stopIndex).toBeLessThan(5);
    const reachedBefore = first.events.filter((e) => e.type === 'StepReached').map((e) => e.step?.index);
    expect(reachedBefore).toEqual([0, 1, 2, 3, 4].slice(0, stopIndex));

    // The first controller stops (its lease is given up); a new one starts on the same state and cloud.
    const staleFence = { lease: 'controller', token: (await store.read('controller'))?.token ?? 0 };
    await first.close();
    stages.length = 0;
    const second = await createStage({ world: first.sim.world, clock: first.clock, sim: first.sim, store, source: first.source, holder: 'controller-b' });
    stages.push(second);
    await advanceUntil(second, async () => (await store.getStatus('aep-backend-prod'))?.phase === 'Healthy', 30 * 60_000);

    const done = await store.getStatus('aep-backend-prod');
    expect(done).toMatchObject({ stableRevision: 'aep-backend-prod:12', stableColour: 'green', weights: { blue: 0, green: 100 } });
    // The second controller went on from the step where the first stopped: nothing before it again.
    expect(second.events.filter((e) => e.type === 'StepReached').map((e) => e.step?.index)).toEqual([0, 1, 2, 3, 4].slice(stopIndex));
    expect(second.events.some((e) => e.type === 'RolloutStarted')).toBe(false);
    const greenDeployments = first.sim.events.filter((e) => e.kind === 'deployment.created' && e.subject.includes(AEP.green));
    expect(greenDeployments).toHaveLength(1);
    expect(done?.history?.filter((h) => h.result === 'Promoted')).toHaveLength(1);

    // The stopped controller's fencing token is refused from now on.
    await expect(store.putStatus('aep-backend-prod', done!, staleFence)).rejects.toBeInstanceOf(StaleFenceError);
  });
});
