import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { crashRun, type CrashCase, type CrashRun } from './support/crash.js';
import { AEP, aepCanary, WEB, webRelease } from './support/releases.js';
import { demoWorld } from './support/scenario.js';

const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

async function folderStore(): Promise<() => DirStateStore> {
  const folder = await mkdtemp(join(tmpdir(), 'keelson-crash-'));
  folders.push(folder);
  return () => new DirStateStore({ folder });
}

const AEP_IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-backend@sha256:${'2'.repeat(64)}`;
const WEB_RECORD = WEB.record;

const fast = (r: Release): void => {
  if (r.spec.strategy.canary) r.spec.strategy.canary.scaleDownDelay = '10m';
};

function webCanary(revision: string): Release {
  return webRelease(revision, (r) => {
    r.spec.strategy = {
      canary: {
        services: { ...WEB.services },
        traffic: { route53: { ...WEB_RECORD, setIdentifiers: { ...WEB.setIdentifiers } } },
        steps: [{ setWeight: 10 }, { pause: { duration: '1m' } }, { setWeight: 50 }, { setWeight: 100 }],
        scaleDownDelay: '10m',
      },
    };
    r.spec.rollback = { bakeTime: '2m' };
  });
}

function services(sim: Simulator, cluster: string, names: string[]): Record<string, { taskDefinition: string; desiredCount: number }> {
  return Object.fromEntries(
    names.map((n) => {
      const svc = sim.inspect.service(cluster, n);
      return [n, { taskDefinition: svc.taskDefinition.split('/').pop() as string, desiredCount: svc.desiredCount }];
    }),
  );
}

const statusEnd = (s: ReleaseStatus | undefined) => ({
  phase: s?.phase,
  stableRevision: s?.stableRevision,
  stableColour: s?.stableColour,
  weights: s?.weights,
  blockedRevision: s?.blockedRevision ?? null,
  promoted: s?.history?.filter((h) => h.result === 'Promoted').length,
  reverted: s?.history?.filter((h) => h.result !== 'Promoted').length,
});

const settled = (s: ReleaseStatus | undefined, revision?: string): boolean =>
  s?.phase === 'Healthy' && !s.rollout && !s.warmColour && (revision === undefined || s.stableRevision === revision);

const CASES: Omit<CrashCase, 'loseLastStatus'>[] = [
  {
    name: 'canary on an ALB listener, revision derived from an image',
    world: () => demoWorld(),
    stable: aepCanary('aep-backend-prod:11', fast),
    next: aepCanary('aep-backend-prod:11', (r) => {
      fast(r);
      r.spec.revision = { image: { container: 'backend', uri: AEP_IMAGE } };
    }),
    seed: 11,
    done: (s) => settled(s) && s?.stableRevision !== 'aep-backend-prod:11',
    endState: (sim, status) => ({
      status: statusEnd(status),
      weights: sim.inspect.weights({ listenerArn: AEP.listener }),
      services: services(sim, AEP.cluster, [AEP.blue, AEP.green]),
    }),
  },
  {
    name: 'canary on Route 53 weighted records',
    world: () => demoWorld(),
    stable: webCanary('web:41'),
    next: webCanary('web:42'),
    seed: 23,
    done: (s) => settled(s, 'web:42'),
    endState: (sim, status) => ({
      status: statusEnd(status),
      records: sim.inspect.recordWeights(WEB_RECORD),
      services: services(sim, 'web-prod', ['web-blue', 'web-green']),
    }),
  },
];

describe('a controller killed right after any AWS write, restarted on the same state folder', () => {
  for (const c of CASES) {
    for (const loseLastStatus of [false, true]) {
      const window = loseLastStatus ? 'the store holds the status from before the killed pass' : 'the status written before the write is on disk';
      it(`${c.name}; ${window}: ends with the same AWS state and the same writes as an uninterrupted run`, async () => {
        const whole: CrashRun = await crashRun({ ...c, loseLastStatus }, await folderStore(), 0);
        expect(whole.end).toMatchObject({ status: { phase: 'Healthy', promoted: 1, reverted: 0 } });
        const kinds = new Set(whole.writeKinds);
        expect(whole.writeKinds.length).toBeGreaterThanOrEqual(4);
        for (let n = 1; n <= whole.writeKinds.length; n++) {
          const crashed = await crashRun({ ...c, loseLastStatus }, await folderStore(), n);
          const label = `case "${c.name}", seed ${c.seed}, ${window}: killed after write ${n} of ${whole.writeKinds.length} (${crashed.killedAfter})`;
          expect(crashed.killedAfter, label).toBe(whole.writeKinds[n - 1]);
          expect(crashed.end, label).toEqual(whole.end);
          expect(crashed.writes, label).toEqual(whole.writes);
        }
        expect(kinds.size).toBeGreaterThanOrEqual(2);
      });
    }
  }
});
