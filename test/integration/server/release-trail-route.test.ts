// GET /api/v1/releases/NAME/trail: the samples recorded as this process wrote status, and the
// Release's steps from the spec the controller holds.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { startHttpServer, type RunningHttpServer } from '../../../src/server/http.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';
import { StatusFeed } from '../../../src/server/status-feed.js';
import { MemoryStateStore } from '../../../src/store/memory.js';

let server: RunningHttpServer | undefined;
afterEach(async () => server?.close());

const steps = [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 100 }];
const spec = { metadata: { name: 'web' }, spec: { strategy: { canary: { steps } } } } as unknown as Release;

describe('GET /api/v1/releases/NAME/trail', () => {
  it('answers the samples written through the feed, the steps, and the bounds; 404 for a Release nobody knows', async () => {
    const raw = new MemoryStateStore();
    const clock = new VirtualClock('2026-03-01T12:00:00Z');
    const lease = (await raw.acquire('keelson', 'test', 3_600_000, clock.now()))!;
    const feed = new StatusFeed();
    const store = feed.watch(raw);
    server = await startHttpServer({
      port: 0,
      store,
      controller: { enqueue: () => {}, names: () => ['web'], sources: () => [], release: (n) => (n === 'web' ? spec : undefined) },
      metrics: new ControllerMetrics(),
      clock,
      ready: () => ({ ready: true, reason: 'test' }),
      logger: pino({ level: 'silent' }),
      statusFeed: feed,
    });
    const fence = { lease: 'keelson', token: lease.token };
    await store.putStatus('web', { phase: 'Progressing', currentStepIndex: 0, weights: { blue: 90, green: 10 } }, fence);
    await clock.advance(60_000);
    await store.putStatus('web', { phase: 'Paused', currentStepIndex: 1, weights: { blue: 90, green: 10 } }, fence);
    const url = `http://127.0.0.1:${server.port}/api/v1/releases`;
    const body = (await (await fetch(`${url}/web/trail`)).json()) as { strategy: string; steps: unknown; limits: { samples: number }; samples: { t: number; step: number }[] };
    expect(body.strategy).toBe('canary');
    expect(body.steps).toEqual(steps);
    expect(body.limits.samples).toBe(240);
    expect(body.samples.map((s) => [s.t - Date.parse('2026-03-01T12:00:00Z'), s.step])).toEqual([[0, 0], [60_000, 1]]);
    expect((await fetch(`${url}/nobody/trail`)).status).toBe(404);
  });

  it('gives the steps a rollout walks, as the list counts them: a canary not ending at 100 gets its last step, a blue/green its own', async () => {
    const clock = new VirtualClock('2026-03-01T12:00:00Z');
    const canary = { metadata: { name: 'short' }, spec: { strategy: { canary: { steps: [{ setWeight: 20 }] } } } } as unknown as Release;
    const blueGreen = { metadata: { name: 'bg' }, spec: { strategy: { blueGreen: { autoPromote: false } } } } as unknown as Release;
    const specs = new Map([['short', canary], ['bg', blueGreen]]);
    const store = new MemoryStateStore();
    server = await startHttpServer({
      port: 0,
      store,
      controller: { enqueue: () => {}, names: () => [...specs.keys()], sources: () => [], release: (n) => specs.get(n) },
      metrics: new ControllerMetrics(),
      clock,
      ready: () => ({ ready: true, reason: 'test' }),
      logger: pino({ level: 'silent' }),
    });
    const url = `http://127.0.0.1:${server.port}/api/v1/releases`;
    const list = (await (await fetch(url)).json()) as { releases: { name: string; steps: number | null }[] };
    for (const name of specs.keys()) {
      const trail = (await (await fetch(`${url}/${name}/trail`)).json()) as { strategy: string; steps: unknown[] | null };
      expect(trail.steps?.length, name).toBe(list.releases.find((r) => r.name === name)?.steps);
    }
    const short = (await (await fetch(`${url}/short/trail`)).json()) as { steps: unknown[] };
    expect(short.steps).toEqual([{ setWeight: 20 }, { setWeight: 100 }]);
    const bg = (await (await fetch(`${url}/bg/trail`)).json()) as { strategy: string; steps: unknown[] };
    expect(bg.strategy).toBe('blueGreen');
    expect(bg.steps).toEqual([{ pause: {} }, { setWeight: 100 }]);
  });
});
