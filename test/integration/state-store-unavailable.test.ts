// A controller as `keelson run` assembles it (folder source, folder state, the simulated AWS, its
// HTTP server on loopback), in virtual time, whose state folder runs out of space mid-life and
// gets it back: /readyz, the logs and /metrics say why, no AWS write is made meanwhile, and the
// controller goes back to work on its own, without a restart.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Release } from '../../src/api/types.js';
import { assemble, type Running } from '../../src/cli/assemble.js';
import type { CloudPorts, CloudProvider } from '../../src/cloud/ports.js';
import { parseConfig } from '../../src/config/load.js';
import { settleMicrotasks, VirtualClock } from '../../src/runtime/clock.js';
import { untilIo } from '../helpers/clock.js';
import { FaultyFileSystem } from '../helpers/faulty-fs.js';
import { aepCanary } from '../scenarios/support/releases.js';

const DEMO_WORLD = fileURLToPath(new URL('../../manifests/sim/world.yaml', import.meta.url));
const AEP = 'aep-backend-prod';
const WRITES = new Set(['updateService', 'registerTaskDefinitionFrom', 'runTask', 'setWeights']);

/** Every AWS write the controller makes, as `port.method`. */
function recordWrites(writes: string[]): (cloud: CloudProvider) => CloudProvider {
  return (cloud) => (region) => {
    const ports = cloud(region);
    const wrapped = {} as Record<string, unknown>;
    for (const [portName, port] of Object.entries(ports)) {
      wrapped[portName] = new Proxy(port as object, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== 'function' || typeof key !== 'string' || !WRITES.has(key)) return value;
          return (...args: unknown[]) => {
            writes.push(`${portName}.${key}`);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    }
    return wrapped as unknown as CloudPorts;
  };
}

const roots: string[] = [];
let running: Running | undefined;
afterEach(async () => {
  await running?.shutdown();
  running = undefined;
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

describe('a state folder that runs out of space', () => {
  it('is reported by /readyz, the logs and /metrics, stops every AWS write, and is recovered from without a restart', async () => {
    const root = await mkdtemp(join(tmpdir(), 'keelson-full-'));
    roots.push(root);
    const releases = join(root, 'releases');
    await mkdir(releases);
    const writeRelease = (release: Release): Promise<void> => writeFile(join(releases, `${AEP}.yaml`), stringify(release));
    await writeRelease(aepCanary(`${AEP}:11`));
    // The demo world without its scheduled faults and timeline.
    const world = parse(await readFile(DEMO_WORLD, 'utf8')) as Record<string, unknown>;
    delete world.faults;
    delete world.timeline;
    await writeFile(join(root, 'world.yaml'), stringify(world));
    const config = parseConfig(
      stringify({
        sources: [{ dir: { path: releases } }],
        state: { dir: { path: join(root, 'state') } },
        cloud: { provider: 'sim', world: join(root, 'world.yaml') },
        http: { port: 0 },
      }),
      join(root, 'keelson.yaml'),
      {},
    );

    const clock = new VirtualClock(String(world.start));
    const files = new FaultyFileSystem();
    const writes: string[] = [];
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    running = await assemble(config, { env: {}, clock, logger, files, wrapCloud: recordWrites(writes) });
    const base = `http://127.0.0.1:${running.server.port}`;

    // Lets the file I/O of the store and every due pass finish before time moves on.
    const settle = async (): Promise<void> => {
      for (let quiet = 0; quiet < 3; ) {
        await settleMicrotasks();
        await untilIo(() => files.inFlight === 0);
        await running!.controller.idle();
        await new Promise<void>((r) => setImmediate(r));
        quiet = files.inFlight === 0 ? quiet + 1 : 0;
      }
    };
    const advance = async (ms: number): Promise<void> => {
      const end = clock.now() + ms;
      while (clock.now() < end) await clock.advanceTo(Math.min(end, clock.now() + 1_000), settle);
    };
    const readyz = async (): Promise<{ status: number; reason: string }> => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, reason: ((await res.json()) as { reason: string }).reason };
    };
    const metric = async (series: string): Promise<number | undefined> => {
      const line = (await (await fetch(`${base}/metrics`)).text()).split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const storeLogs = (): Record<string, unknown>[] => logs.filter((l) => String(l.msg).startsWith('state store'));

    await advance(60_000);
    expect((await running.store.getStatus(AEP))?.phase).toBe('Healthy');
    expect(await readyz()).toEqual({ status: 200, reason: '1 source(s) synced, lease held' });
    expect(await metric('keelson_state_store_up')).toBe(1);

    // The disk fills up just after a lease renewal; someone ships :12, and the pass for it comes
    // before the next renewal could find out: the pass itself must stop before any AWS write.
    files.fail('ENOSPC');
    const writesBefore = writes.length;
    const changedAt = clock.now();
    await writeRelease(aepCanary(`${AEP}:12`));
    await untilIo(() => clock.nextTimerAt() === changedAt + 100); // the folder source's debounce
    await advance(100);
    // The source reads the folder and the pass runs on real I/O: wait for it, time standing still.
    await untilIo(() => storeLogs().length > 0);
    await settle();
    // Still the leader: the plain lease is this replica's one shard.
    expect(running.ownership.heldShards()).toEqual([0]);
    expect(writes.slice(writesBefore)).toEqual([]);
    await advance(2 * 60_000);

    expect(writes.slice(writesBefore)).toEqual([]);
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.reason).toMatch(/^state store unavailable \(StoreUnavailable ENOSPC\) since .*no space left on device.*; no AWS writes until it can be written again$/);
    expect(await metric('keelson_state_store_up')).toBe(0);
    expect(await metric('keelson_state_store_errors_total{code="StoreUnavailable",reason="ENOSPC"}')).toBeGreaterThanOrEqual(2);
    expect(storeLogs()).toEqual([
      expect.objectContaining({ level: 50, code: 'StoreUnavailable', reason: 'ENOSPC', msg: 'state store unavailable: no AWS writes until it can be written again' }),
    ]);
    // Retries back off: a handful in two minutes, not a busy loop.
    expect(files.refused).toBeLessThan(30);
    expect((await running.store.getStatus(AEP))?.desiredRevision).toBe(`${AEP}:11`);

    // Space comes back: the lease is taken back and the rollout of :12 starts, same process.
    files.heal();
    await advance(60_000);
    expect(await readyz()).toEqual({ status: 200, reason: '1 source(s) synced, lease held' });
    expect(await metric('keelson_state_store_up')).toBe(1);
    expect(storeLogs().map((l) => l.msg)).toEqual([
      'state store unavailable: no AWS writes until it can be written again',
      'state store writable again: acting on Releases',
    ]);
    expect(writes.slice(writesBefore)).toContain('ecs.updateService');
    expect(await running.store.getStatus(AEP)).toMatchObject({ phase: 'Progressing', desiredRevision: `${AEP}:12` });
  });
});
