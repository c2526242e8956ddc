// A controller's HTTP server on 127.0.0.1 with an in-memory store, a virtual clock and a stand-in
// for the Controller that records what it was asked to look at.
import { pino } from 'pino';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import type { SourceHealth } from '../../../src/runtime/controller.js';
import type { NamedTokenOptions } from '../../../src/server/authenticate.js';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../../../src/server/http.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';
import type { Readiness } from '../../../src/server/readiness.js';
import { MemoryStateStore } from '../../../src/store/memory.js';

export const LEASE = 'keelson';
export const TOKEN = 's3cret-token';

/** Named tokens of `http.auth` for tests of roles: each token is its name with `-token`. */
export const PEOPLE: NamedTokenOptions[] = [
  { name: 'alice', token: 'alice-token', roles: ['approver'] },
  { name: 'bob', token: 'bob-token', roles: ['approver', 'operator'] },
  { name: 'mallory', token: 'mallory-token', roles: ['approver'] },
  { name: 'vic', token: 'vic-token', roles: ['viewer'] },
  { name: 'ci-deployer', token: 'ci-deployer-token', roles: ['operator'] },
];
export const tokenOf = (name: string): string => `${name}-token`;

export interface Harness {
  url: string;
  server: RunningHttpServer;
  store: MemoryStateStore;
  clock: VirtualClock;
  metrics: ControllerMetrics;
  enqueued: string[];
  held: string[];
  /** metadata.labels of held Releases (a held Release not named here has none). */
  labels: Record<string, Record<string, string>>;
  /** The source description of held Releases (a held Release not named here has none known). */
  releaseSources: Record<string, string>;
  sources: SourceHealth[];
  readiness: Readiness;
  putStatus(name: string, status: ReleaseStatus): Promise<void>;
}

export async function startHarness(overrides: Partial<HttpServerOptions> = {}): Promise<Harness> {
  const store = new MemoryStateStore();
  const clock = new VirtualClock('2026-03-01T12:00:00Z');
  const metrics = new ControllerMetrics();
  const lease = await store.acquire(LEASE, 'test', 60_000, clock.now());
  // One object: the stand-in controller and the tests read and change the same fields.
  const harness: Omit<Harness, 'url' | 'server'> = {
    store,
    clock,
    metrics,
    enqueued: [],
    held: [],
    labels: {},
    releaseSources: {},
    sources: [],
    readiness: { ready: false, reason: 'not synced yet' },
    putStatus: (name: string, status: ReleaseStatus) => store.putStatus(name, status, { lease: LEASE, token: lease!.token }),
  };
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    store,
    controller: {
      enqueue: (name) => harness.enqueued.push(name),
      names: () => [...harness.held],
      sources: () => harness.sources,
      labels: (name) => (harness.held.includes(name) ? (harness.labels[name] ?? {}) : undefined),
      sourceOf: (name) => (harness.held.includes(name) ? harness.releaseSources[name] : undefined),
    },
    metrics,
    clock,
    ready: () => harness.readiness,
    apiToken: TOKEN,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  return Object.assign(harness, { server, url: `http://127.0.0.1:${server.port}` });
}

/** POSTs with the API token, another token, or none (null). */
export function post(url: string, body?: unknown, token: string | null = TOKEN): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: string } };
  return body.error?.code ?? '(no error code)';
}
