// The http evaluator through the real probe against a real HTTP server on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProbe } from '../../../src/cloud/http-probe.js';
import { measureHttp } from '../../../src/health/http.js';
import { VirtualClock } from '../../../src/runtime/clock.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const routes: Record<string, Route> = {
  '/health/ready': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","checks":{"db":{"ok":true}}}'),
  '/health/degraded': (_req, res) => res.writeHead(503).end('{"status":"degraded"}'),
  '/health/db-down': (_req, res) => res.writeHead(200).end('{"status":"ok","checks":{"db":{"ok":false}}}'),
  '/health/hang': () => {
    requestsHanging++;
    // never answers
  },
};

let server: Server;
let base: string;
let requestsHanging = 0;

beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('http condition against a loopback server', () => {
  const clock = new VirtualClock();
  const probe = createHttpProbe({ clock });

  it('passes on 200', async () => {
    const m = await measureHttp('ready', { url: `${base}/health/ready` }, probe, clock.now());
    expect(m).toMatchObject({ outcome: 'pass', value: 200, threshold: 'status 200', message: 'status 200' });
  });

  it('fails on 503 with the status as the value', async () => {
    const m = await measureHttp('ready', { url: `${base}/health/degraded` }, probe, clock.now());
    expect(m).toMatchObject({ outcome: 'fail', value: 503, message: 'status 503 (expected 200)' });
  });

  it('passes when the JSON field matches and fails when it does not', async () => {
    const check = { path: 'checks.db.ok', equals: true };
    const good = await measureHttp('db', { url: `${base}/health/ready`, jsonField: check }, probe, clock.now());
    const bad = await measureHttp('db', { url: `${base}/health/db-down`, jsonField: check }, probe, clock.now());
    expect(good.outcome).toBe('pass');
    expect(bad).toMatchObject({
      outcome: 'fail',
      value: 200,
      threshold: 'status 200, checks.db.ok = true',
      message: 'status 200 but checks.db.ok = false (expected true)',
    });
  });

  it('fails when the server does not answer within the timeout (virtual time)', async () => {
    const before = requestsHanging;
    const pending = measureHttp('ready', { url: `${base}/health/hang`, timeout: '2s' }, probe, clock.now());
    while (requestsHanging === before) await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(1_999);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await pending).toMatchObject({ outcome: 'fail', value: null, message: expect.stringMatching(/no answer .* within 2s/) });
  });

  it('fails when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const m = await measureHttp('ready', { url: `http://127.0.0.1:${port}/health/ready` }, probe, clock.now());
    expect(m).toMatchObject({ outcome: 'fail', message: expect.stringMatching(/unreachable: .*ECONNREFUSED/) });
  });
});
