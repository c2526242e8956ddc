// 200 canary Releases in steady state, on each kind of state store: over one resync period the
// passes share their reads. Counts, not durations: AWS calls from the simulator, DynamoDB calls
// from a middleware on the client.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaleRelease, scaleStacks, scaleWorld } from '../../bench/support/scale-world.js';
import { createStage } from '../../src/rehearse/stage.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { DynamoStateStore } from '../../src/store/dynamodb-store.js';
import { MemoryStateStore } from '../../src/store/memory.js';
import type { StateStore } from '../../src/store/store.js';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.js';

const RELEASES = 200;
const CONCURRENCY = 10;
const PERIOD = 30_000;

interface Measured {
  aws: Record<string, number>;
  statusWrites: number;
  phases: string[];
}

/** Settles 200 Releases, then counts what one whole resync period costs. */
async function oneQuietPeriod(store: StateStore, onQuiet: (moment: 'start' | 'end') => void = () => {}): Promise<Measured> {
  const stacks = scaleStacks(RELEASES, 5);
  const stage = await createStage({ world: scaleWorld(stacks), concurrency: CONCURRENCY, resyncMs: PERIOD, store });
  try {
    stage.source.setUnavailable('loading');
    for (const s of stacks) stage.source.apply(scaleRelease(s));
    stage.source.setUnavailable(undefined);
    await stage.advance(2 * PERIOD, { stepMs: 5_000 });
    let statusWrites = 0;
    const put = store.putStatus.bind(store);
    store.putStatus = (...args) => {
      statusWrites++;
      return put(...args);
    };
    const before = { ...stage.sim.calls };
    onQuiet('start');
    await stage.advance(PERIOD, { stepMs: 1_000 });
    onQuiet('end');
    const aws: Record<string, number> = {};
    for (const [op, n] of Object.entries(stage.sim.calls)) if (n > (before[op] ?? 0)) aws[op] = n - (before[op] ?? 0);
    const phases = await Promise.all(stacks.map(async (s) => (await stage.status(scaleRelease(s).metadata.name))?.phase ?? 'none'));
    return { aws, statusWrites, phases };
  } finally {
    await stage.close();
  }
}

function expectSharedAwsReads(m: Measured): void {
  expect(new Set(m.phases)).toEqual(new Set(['Healthy']));
  // Every Release was looked at (two services each), in calls of 10 services...
  expect(m.aws['ecs:DescribeServices']).toBe(Math.ceil((2 * RELEASES) / 10));
  // ...and its listener and two scalable targets read with those of the passes beside it.
  expect(m.aws['elbv2:DescribeListeners']).toBeLessThanOrEqual(Math.ceil(RELEASES / CONCURRENCY));
  expect(m.aws['autoscaling:DescribeScalableTargets']).toBeLessThanOrEqual(Math.ceil(RELEASES / CONCURRENCY));
  // Task definitions come from the cache; a status that did not change is not written again.
  expect(m.aws['ecs:DescribeTaskDefinition']).toBeUndefined();
  expect(m.statusWrites).toBe(0);
}

describe('steady state: 200 canary Releases share their reads', () => {
  it('in memory', async () => {
    expectSharedAwsReads(await oneQuietPeriod(new MemoryStateStore()));
  });

  it('on a folder store, whose file reads no longer pull the passes out of step', async () => {
    expectSharedAwsReads(await oneQuietPeriod(new DirStateStore({ folder: mkdtempSync(join(tmpdir(), 'keelson-steady-')) })));
  });

  describe('on DynamoDB', () => {
    let dynamo: LocalDynamo;
    afterAll(async () => dynamo?.close());

    it('with one BatchGetItem per group of passes and nothing else', async () => {
      dynamo = await startDynalite({ state: 'state' });
      const dynamoCalls: Record<string, number> = {};
      dynamo.client.middlewareStack.add(
        (next, context) => async (args) => {
          const op = String((context as { commandName?: string }).commandName).replace(/Command$/, '');
          dynamoCalls[op] = (dynamoCalls[op] ?? 0) + 1;
          return next(args);
        },
        { step: 'initialize', name: 'countDynamoCalls' },
      );
      const at: Record<string, Record<string, number>> = {};
      const measured = await oneQuietPeriod(new DynamoStateStore({ client: dynamo.client, table: 'state' }), (moment) => (at[moment] = { ...dynamoCalls }));
      expectSharedAwsReads(measured);
      const during: Record<string, number> = {};
      for (const [op, n] of Object.entries(at.end ?? {})) if (n > (at.start?.[op] ?? 0)) during[op] = n - (at.start?.[op] ?? 0);
      // 200 Releases in groups of 10: one BatchGetItem each (status + operation counter), no Query, no write.
      expect(during).toEqual({ BatchGetItem: Math.ceil(RELEASES / CONCURRENCY) });
    }, 120_000);
  });
});
