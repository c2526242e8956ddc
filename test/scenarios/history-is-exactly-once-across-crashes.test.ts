import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { crashRun, type CrashCase } from './support/crash.js';
import { aepCanary } from './support/releases.js';
import { demoWorld } from './support/scenario.js';

const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

async function folderStore(): Promise<() => DirStateStore> {
  const folder = await mkdtemp(join(tmpdir(), 'keelson-audit-crash-'));
  folders.push(folder);
  return () => new DirStateStore({ folder });
}

const release = (revision: string): Release =>
  aepCanary(revision, (r) => {
    r.spec.strategy.canary!.steps = [{ setWeight: 10 }, { pause: { duration: '1m' } }, { setWeight: 50 }, { setWeight: 100 }];
    r.spec.strategy.canary!.scaleDownDelay = '10m';
    r.spec.rollback = { auto: true, bakeTime: '2m' };
  });

/** The history as sequence, what, who and revisions: times differ between runs, entries must not. */
const history = (status: ReleaseStatus | undefined): string[] =>
  (status?.audit?.entries ?? []).map((e) => `${e.seq} ${e.what} by ${e.by}: ${e.fromRevision ?? ''} → ${e.revision ?? ''}: ${e.detail}`);

const CASE: CrashCase = {
  name: 'canary on an ALB listener',
  world: () => demoWorld(),
  stable: release('aep-backend-prod:11'),
  next: release('aep-backend-prod:12'),
  seed: 31,
  done: (s) => s?.phase === 'Healthy' && s.stableRevision === 'aep-backend-prod:12' && !s.warmColour,
  endState: (_sim, status) => history(status),
};

describe('a crash between a decision and its status write', () => {
  for (const loseLastStatus of [false, true]) {
    const window = loseLastStatus ? 'the store holds the status from before the killed pass' : 'the status written before the write is on disk';
    it(`neither loses nor repeats a history entry; ${window}`, async () => {
      const whole = await crashRun({ ...CASE, loseLastStatus }, await folderStore(), 0);
      const entries = whole.end as string[];
      expect(entries.map((e) => e.split(' ')[1])).toEqual(['SpecChanged', 'SpecChanged', 'RolloutStarted', 'StepReached', 'StepReached', 'StepReached', 'StepReached', 'Promoted']);
      for (let n = 1; n <= whole.writeKinds.length; n++) {
        const crashed = await crashRun({ ...CASE, loseLastStatus }, await folderStore(), n);
        expect(crashed.end, `seed ${CASE.seed}, ${window}: killed after write ${n} of ${whole.writeKinds.length} (${crashed.killedAfter})`).toEqual(whole.end);
      }
    });
  }
});
