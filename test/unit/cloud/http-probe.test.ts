// The probe against a real HTTP server on 127.0.0.1.
import { createServer, request as httpRequest } from 'node:http';
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

describe('createHttpProbe host policy', () => {
  /** Counts every connection the loopback server gets, to prove a refused probe made none. */
  async function countingServer(): Promise<{ port: number; connections: () => number; hosts: string[]; close: () => Promise<void> }> {
    let connections = 0;
    const hosts: string[] = [];
    const target = createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    });
    target.on('connection', () => connections++);
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    return {
      port: (target.address() as AddressInfo).port,
      connections: () => connections,
      hosts,
      close: () => new Promise<void>((resolve) => target.close(() => resolve())),
    };
  }

  /** Stands in for the network: records what would be sent and delivers it to the loopback server instead. */
  function loopbackSend(port: number, sent: string[]): NonNullable<Parameters<typeof createHttpProbe>[0]>['send'] {
    return (url, options, onResponse) => {
      sent.push(url.hostname);
      return httpRequest({ host: '127.0.0.1', port, path: url.pathname, headers: options.headers, agent: false }, onResponse);
    };
  }

  const metadataUrls = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/role',
    'http://169.254.170.2/v2/credentials/abc',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
  ];

  it('refuses link-local and metadata addresses and names before resolving or connecting', async () => {
    const sent: string[] = [];
    const resolved: string[] = [];
    const probe = createHttpProbe({ send: loopbackSend(1, sent), resolve: async (host) => (resolved.push(host), ['127.0.0.1']) });
    for (const url of metadataUrls) {
      const failure = await probe.get(url, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(isCloudError(failure, 'AccessDenied'), url).toBe(true);
      expect((failure as Error).message).toMatch(/refused: .*probes\.allowHosts of keelson\.yaml/);
    }
    expect(sent).toEqual([]);
    expect(resolved).toEqual([]);
  });

  it('checks the address a name resolves to, and connects to that address only', async () => {
    const target = await countingServer();
    try {
      const rebound = createHttpProbe({ resolve: async () => ['169.254.169.254'] });
      const failure = await rebound.get(`http://localhost:${target.port}/health/ready`, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(isCloudError(failure, 'AccessDenied')).toBe(true);
      expect((failure as Error).message).toContain('localhost resolves to 169.254.169.254, which is a link-local or metadata address');
      expect(target.connections()).toBe(0);

      // A name the system resolver does not know reaches the address the probe's resolver gave, Host kept.
      const pinned = createHttpProbe({ resolve: async () => ['127.0.0.1'] });
      const answer = await pinned.get(`http://app.keelson.invalid:${target.port}/health/ready`, { timeoutMs: 5_000 });
      expect(answer.status).toBe(200);
      expect(target.hosts).toEqual([`app.keelson.invalid:${target.port}`]);
    } finally {
      await target.close();
    }
  });

  it('probes only hosts on allowHosts when it lists any, and a metadata address only when listed itself', async () => {
    const target = await countingServer();
    try {
      const probe = createHttpProbe({ allowHosts: ['*.keelson.invalid', '169.254.170.2'], resolve: async () => ['127.0.0.1'] });
      const failure = await probe.get(`http://localhost:${target.port}/`, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect((failure as Error).message).toContain('localhost is not in probes.allowHosts of keelson.yaml');
      expect(target.connections()).toBe(0);
      expect((await probe.get(`http://app.keelson.invalid:${target.port}/`, { timeoutMs: 5_000 })).status).toBe(200);

      const sent: string[] = [];
      const allowed = createHttpProbe({ allowHosts: ['169.254.170.2'], send: loopbackSend(target.port, sent) });
      expect((await allowed.get('http://169.254.170.2/v2/credentials/abc', { timeoutMs: 5_000 })).status).toBe(200);
      const other = await allowed.get('http://169.254.169.254/', { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(isCloudError(other, 'AccessDenied')).toBe(true);
      expect(sent).toEqual(['169.254.170.2']);
    } finally {
      await target.close();
    }
  });
});
