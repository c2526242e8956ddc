// GET /api/v1/events: a reset on connect, a summary row per status written, a remove when a
// Release leaves the filter, replay after Last-Event-ID, a cap on streams, slow clients dropped,
// heartbeats that keep a quiet stream open past the idle socket timeout, and polling without a feed.
import { request, type IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../../../src/server/http.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';
import { StatusFeed } from '../../../src/server/status-feed.js';
import { MemoryStateStore } from '../../../src/store/memory.js';

const TOKEN = 'events-token';

interface Setup {
  url: string;
  server: RunningHttpServer;
  store: MemoryStateStore;
  metrics: ControllerMetrics;
  put(name: string, status: ReleaseStatus): Promise<void>;
}

let running: RunningHttpServer | undefined;
const streams: AbortController[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  await running?.close();
  running = undefined;
});

async function setup(options: { feed?: boolean; labels?: Record<string, Record<string, string>> } & Partial<HttpServerOptions> = {}): Promise<Setup> {
  const raw = new MemoryStateStore();
  const clock = new VirtualClock('2026-03-01T12:00:00Z');
  const lease = (await raw.acquire('keelson', 'test', 3_600_000, clock.now()))!;
  const feed = options.feed === false ? undefined : new StatusFeed();
  const store = feed ? feed.watch(raw) : raw;
  const metrics = new ControllerMetrics();
  const labels = options.labels ?? {};
  const server = await startHttpServer({
    port: 0,
    store,
    controller: { enqueue: () => {}, names: () => Object.keys(labels), sources: () => [], labels: (n) => labels[n] },
    metrics,
    clock,
    ready: () => ({ ready: true, reason: 'test' }),
    apiToken: TOKEN,
    logger: pino({ level: 'silent' }),
    ...(feed ? { statusFeed: feed } : {}),
    ...options,
  });
  running = server;
  return { url: `http://127.0.0.1:${server.port}`, server, store: raw, metrics, put: (name, status) => store.putStatus(name, status, { lease: 'keelson', token: lease.token }) };
}

interface Event {
  event: string;
  id?: string;
  data: unknown;
}

/** Opens the stream and collects its events; `next(pred)` waits for the first one that matches. */
async function open(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  streams.push(abort);
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: Event[] = [];
  let text = '';
  let comments = 0;
  const waiting: (() => void)[] = [];
  const pump = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
          if (block.startsWith(':')) comments++;
          if (fields.event) events.push({ event: fields.event, ...(fields.id ? { id: fields.id } : {}), data: JSON.parse(fields.data ?? 'null') });
          for (const w of waiting.splice(0)) w();
        }
      }
    } catch {
      // Aborted by the test.
    }
  })();
  const next = async (pred: (e: Event) => boolean, timeoutMs = 5_000): Promise<Event> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { res, events, next, comments: () => comments, pump, abort };
}

const progressing = (step: number, green: number): ReleaseStatus => ({ phase: 'Progressing', currentStepIndex: step, weights: { blue: 100 - green, green } });

describe('GET /api/v1/events', () => {
  it('answers text/event-stream with retry and a reset, then a summary row per status written', async () => {
    const s = await setup({ labels: { web: { team: 'web' } } });
    const stream = await open(`${s.url}/api/v1/events`);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.next((e) => e.event === 'reset');
    await s.put('web', progressing(1, 10));
    const row = await stream.next((e) => e.event === 'release');
    expect(row.data).toMatchObject({ name: 'web', phase: 'Progressing', step: 1, weights: { blue: 90, green: 10 }, labels: { team: 'web' } });
    // The same shape as an item of GET /api/v1/releases.
    const list = (await (await fetch(`${s.url}/api/v1/releases`)).json()) as { releases: unknown[] };
    expect(Object.keys(row.data as object).sort()).toEqual(Object.keys(list.releases[0] as object).sort());
  });

  it('sends a remove when a Release leaves the phase filter', async () => {
    const s = await setup({ labels: { web: {} } });
    const stream = await open(`${s.url}/api/v1/events?phase=Progressing`);
    await s.put('web', progressing(1, 10));
    await stream.next((e) => e.event === 'release');
    await s.put('web', { phase: 'Healthy', weights: { blue: 0, green: 100 } });
    expect((await stream.next((e) => e.event === 'remove')).data).toEqual({ name: 'web' });
  });

  it('refuses a filter it cannot use with InvalidParameter', async () => {
    const s = await setup();
    const res = await fetch(`${s.url}/api/v1/events?phase=Sideways`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InvalidParameter');
  });

  it('replays what was missed after Last-Event-ID, and resets for an id it does not know', async () => {
    const s = await setup({ labels: { web: {} } });
    const first = await open(`${s.url}/api/v1/events`);
    await s.put('web', progressing(0, 0));
    const seen = await first.next((e) => e.event === 'release');
    first.abort.abort();
    await s.put('web', progressing(1, 10));
    await s.put('web', progressing(2, 50));
    await new Promise((r) => setTimeout(r, 300));
    const again = await open(`${s.url}/api/v1/events`, { 'last-event-id': seen.id! });
    const replayed = await again.next((e) => e.event === 'release');
    expect(replayed.data).toMatchObject({ step: 2 });
    expect(again.events.some((e) => e.event === 'reset')).toBe(false);
    const stranger = await open(`${s.url}/api/v1/events`, { 'last-event-id': 'deadbeef.7' });
    await stranger.next((e) => e.event === 'reset');
  });

  it('follows the auth rule of every read', async () => {
    const s = await setup({ readsRequireToken: true });
    expect((await fetch(`${s.url}/api/v1/events`)).status).toBe(401);
    const stream = await open(`${s.url}/api/v1/events`, { authorization: `Bearer ${TOKEN}` });
    expect(stream.res.status).toBe(200);
  });

  it('keeps at most maxStreams open: one more is refused 503 TooManyStreams and counted', async () => {
    const s = await setup();
    const open64 = await Promise.all(Array.from({ length: 64 }, () => open(`${s.url}/api/v1/events`)));
    expect(open64.every((o) => o.res.status === 200)).toBe(true);
    const res = await fetch(`${s.url}/api/v1/events`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TooManyStreams');
    expect(await s.metrics.registry.getSingleMetricAsString('keelson_event_stream_failures_total')).toContain('reason="too_many"} 1');
  });

  it('drops a client that does not read, rather than queueing for it without end', async () => {
    const s = await setup({ labels: { web: {} } });
    // A client that never reads its socket.
    const req = request(`${s.url}/api/v1/events`);
    const response = new Promise<IncomingMessage>((resolve) => req.on('response', resolve));
    req.end();
    const res = await response;
    res.pause();
    const closed = new Promise<void>((resolve) => res.socket.on('close', () => resolve()));
    // Loopback buffers a few MB in the kernel before the server's own queue grows: write past that.
    const big = { phase: 'Progressing', message: 'x'.repeat(200_000) } as ReleaseStatus;
    const dropped = async () => (await s.metrics.registry.getSingleMetricAsString('keelson_event_stream_failures_total')).includes('reason="slow_client"}');
    for (let round = 0; round < 30 && !(await dropped()); round++) {
      for (let i = 0; i < 50; i++) await s.put(`web-${i}`, { ...big, currentStepIndex: round });
      await new Promise((r) => setTimeout(r, 150));
    }
    await closed;
    expect(await s.metrics.registry.getSingleMetricAsString('keelson_event_stream_failures_total')).toContain('reason="slow_client"} 1');
  });

  it('keeps a quiet stream open past the idle socket timeout with heartbeats', async () => {
    const s = await setup({ timeouts: { idleSocketMs: 300, requestMs: 400, headersMs: 400, keepAliveMs: 100 } });
    const stream = await open(`${s.url}/api/v1/events`);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(stream.comments()).toBeGreaterThanOrEqual(3);
    // Still open: a status written now arrives.
    await s.put('web', progressing(0, 0));
    await stream.next((e) => e.event === 'release');
  });

  it('without a status feed, polls the store while a stream is open', async () => {
    const s = await setup({ feed: false, labels: { web: {} } });
    await s.put('web', progressing(0, 0));
    const stream = await open(`${s.url}/api/v1/events`);
    // The first read is the baseline; the change after it is told.
    await new Promise((r) => setTimeout(r, 2_300));
    await s.put('web', progressing(1, 10));
    expect((await stream.next((e) => e.event === 'release', 6_000)).data).toMatchObject({ step: 1 });
  });

  it('lets the server close with streams open', async () => {
    const s = await setup();
    await open(`${s.url}/api/v1/events`);
    await s.server.close();
    running = undefined;
  });
});
