// The probe against a real HTTP server on 127.0.0.1.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCloudError } from '../../../src/cloud/errors.js';
import { createHttpProbe, PROBE_BODY_LIMIT } from '../../../src/cloud/http-probe.js';

let server: Server;
let base: string;
const held: ServerResponse[] = [];
const seenAgents: (string | undefined)[] = [];

function answer(req: IncomingMessage, res: ServerResponse): void {
  seenAgents.push(req.headers['user-agent']);
  switch (req.url) {
    case '/health/ready':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
      return;
    case '/health/degraded':
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"database unreachable"}');
      return;
    case '/endless':
      // A body that never ends: only a probe that stops reading at its limit returns.
      res.writeHead(200, { 'content-type': 'text/plain' });
      streamForever(res);
      return;
    case '/slow-body':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      held.push(res);
      return;
    default:
      // /slow: never answers while the test runs.
      held.push(res);
  }
}

function streamForever(res: ServerResponse): void {
  const chunk = 'x'.repeat(1024);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createHttpProbe', () => {
  it('returns status and body of a 200', async () => {
    const result = await createHttpProbe().get(`${base}/health/ready`, { timeoutMs: 5_000 });
    expect(result.status).toBe(200);
    expect(result.body).toBe('{"status":"ready"}');
    expect(seenAgents.at(-1)).toBe('keelson-probe');
  });

  it('returns a 503 as an answer, not an error', async () => {
    const result = await createHttpProbe().get(`${base}/health/degraded`, { timeoutMs: 5_000 });
    expect(result).toMatchObject({ status: 503, body: '{"status":"database unreachable"}' });
  });

  it('measures the duration on the clock it is given', async () => {
    // The clock reads 1000 when the probe starts and 1250 when the body is in.
    const readings = [1_000, 1_250];
    const probe = createHttpProbe({ clock: { now: () => readings.shift() ?? Number.NaN } });
    const result = await probe.get(`${base}/health/ready`, { timeoutMs: 5_000 });
    expect(result.durationMs).toBe(250);
    expect(readings).toEqual([]);
  });

  it('keeps at most 64 KiB of a body and stops reading there', async () => {
    const result = await createHttpProbe().get(`${base}/endless`, { timeoutMs: 5_000 });
    expect(result.body.length).toBe(PROBE_BODY_LIMIT);
    expect(PROBE_BODY_LIMIT).toBe(64 * 1024);
  });

  it('times out on a server that does not answer in time', async () => {
    const failure = await createHttpProbe().get(`${base}/slow`, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(isCloudError(failure, 'Timeout')).toBe(true);
    expect((failure as Error).message).toContain('50 ms');
  });

  it('times out on a body that stops arriving', async () => {
    const failure = await createHttpProbe().get(`${base}/slow-body`, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(isCloudError(failure, 'Timeout')).toBe(true);
  });

  it('reports a refused connection as Unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const failure = await createHttpProbe().get(`http://127.0.0.1:${port}/health/ready`, { timeoutMs: 5_000 }).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Unavailable')).toBe(true);
    expect((failure as Error).message).toContain('ECONNREFUSED');
  });

  it('reports a malformed URL as Invalid', async () => {
    const failure = await createHttpProbe().get('not a url', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(isCloudError(failure, 'Invalid')).toBe(true);
  });
});
