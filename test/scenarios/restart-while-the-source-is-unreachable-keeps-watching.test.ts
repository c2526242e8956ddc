// Found by the chaos trials (seed 353): a controller restarted while Git was unreachable held no
// spec at all, so a canary already taking traffic went unwatched until Git came back. The spec a
// Release was last held with is kept in the state store, and a restart resumes from it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { aepCanary } from './support/releases.js';
import { advanceUntil, demoWorld } from './support/scenario.js';

const stages: Stage[] = [];
let folder: string | undefined;
afterEach(async () => {
  for (const s of stages.splice(0)) await s.close().catch(() => undefined);
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** A controller on a state folder, with aep-backend-prod:11 adopted as stable. */
async function firstController(): Promise<{ first: Stage; store: DirStateStore }> {
  folder = await mkdtemp(join(tmpdir(), 'keelson-source-down-'));
  const store = new DirStateStore({ folder });
  const first = await createStage({ world: await demoWorld(), store, holder: 'controller-a' });
  stages.push(first);
  first.source.apply(aepCanary('aep-backend-prod:11'));
  await first.advance(60_000);
  return { first, store };
}

/** Stops the first controller, makes the source unreachable, and starts another on the same state. */
async function restartWithSourceDown(first: Stage, store: DirStateStore): Promise<Stage> {
  await first.close();
  stages.length = 0;
  first.source.setUnavailable('git fetch: could not resolve host');
  const second = await createStage({ world: first.sim.world, clock: first.clock, sim: first.sim, store, source: first.source, holder: 'controller-b' });
  stages.push(second);
  return second;
}

describe('a controller restarted while its source is unreachable', () => {
  it('resumes the rollout in flight from the last known spec and reverts a bad revision', async () => {
    const { first, store } = await firstController();
    first.source.apply(aepCanary('aep-backend-prod:13'));
    await advanceUntil(first, async () => !!(await store.getStatus('aep-backend-prod'))?.rollout?.stepReachedAt, 15 * 60_000);
    const atStop = await store.getStatus('aep-backend-prod');
    expect(atStop?.lastRevert ?? null).toBeNull();
    expect(atStop?.weights?.green ?? atStop?.weights?.blue).toBeGreaterThan(0);

    const second = await restartWithSourceDown(first, store);
    await advanceUntil(second, async () => (await store.getStatus('aep-backend-prod'))?.rollout === null, 30 * 60_000);

    const done = await store.getStatus('aep-backend-prod');
    expect(done).toMatchObject({ phase: 'Degraded', stableRevision: 'aep-backend-prod:11', blockedRevision: 'aep-backend-prod:13' });
    expect(done?.lastRevert?.revision).toBe('aep-backend-prod:13');
    expect(done?.conditions?.find((c) => c.type === 'SourceReady')).toMatchObject({ status: 'False', reason: 'SourceStale' });
    expect(second.events.some((e) => e.type === 'Reverted')).toBe(true);
  });

  it('leaves a Release that had left its source as it is', async () => {
    const { first, store } = await firstController();
    first.source.remove('aep-backend-prod');
    await advanceUntil(first, async () => (await store.getStatus('aep-backend-prod'))?.phase === 'Orphaned', 10 * 60_000);
    expect((await store.listLastKnownSpecs()).map((s) => s.release.metadata.name)).toEqual(['aep-backend-prod']);

    const second = await restartWithSourceDown(first, store);
    await second.advance(5 * 60_000, { stepMs: 5_000 });
    expect((await store.getStatus('aep-backend-prod'))?.phase).toBe('Orphaned');
    expect(second.controller.names()).toEqual([]);
  });
});
