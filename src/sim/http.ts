// The simulated health endpoints over real HTTP on loopback: one server on 127.0.0.1 answers
// for every host the world declares (by the Host header), and the probe port sends each
// probe URL there with its host and path kept. A probe's answer is decided when the probe is
// made (the server serves it by a token), so how many event-loop turns the socket takes cannot
// change a run; durations are the simulated latencies. Requests without a token (a person with
// curl) are answered as of their arrival.

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudError } from '../cloud/errors.js';
import type { HttpProbePort, HttpProbeResult } from '../cloud/ports.js';
import { refuseHost } from '../cloud/probe-policy.js';
import type { EndpointAnswer } from './endpoint.js';

export const LATENCY_HEADER = 'x-keelson-sim-latency-ms';
export const REVISION_HEADER = 'x-keelson-sim-revision';
const PROBE_HEADER = 'x-keelson-sim-probe';

/** `loopback`: real HTTP to 127.0.0.1; `in-process`: the same answers without a socket. */
export type ProbeMode = 'loopback' | 'in-process';

export interface HttpHost {
  /** Brings the world up to the clock; returns the clock's now. */
  catchUp(): number;
  isKnownHost(host: string): boolean;
  answer(host: string, path: string, now: number): EndpointAnswer | undefined;
  /** Counts a probe as a call (`http:GET`). */
  countProbe(outcome?: CloudError): void;
}

export class SimHttpServer {
  private server: Server | undefined;
  private starting: Promise<number> | undefined;
  private readonly pending = new Map<string, EndpointAnswer>();
  private nextToken = 1;

  constructor(
    private readonly host: HttpHost,
    private readonly mode: ProbeMode = 'loopback',
    private readonly allowHosts: readonly string[] = [],
  ) {}

  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  /** Starts the loopback server once; resolves to its port. */
  start(): Promise<number> {
    this.starting ??= new Promise<number>((resolve, reject) => {
      const server = createServer((req, res) => this.handle(req, res));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.unref();
        this.server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
    return this.starting;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.starting = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const host = req.headers.host ?? '';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const token = req.headers[PROBE_HEADER];
    const decided = typeof token === 'string' ? this.pending.get(token) : undefined;
    if (decided) this.pending.delete(token as string);
    const answer = decided ?? this.host.answer(host, path, this.host.catchUp());
    if (!answer) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end(`unknown host ${host}`);
      return;
    }
    res.writeHead(answer.status, {
      'content-type': answer.contentType,
      [LATENCY_HEADER]: String(answer.latencyMs),
      ...(answer.revision ? { [REVISION_HEADER]: answer.revision } : {}),
    });
    res.end(answer.body);
  }

  /** The HttpProbePort: known hosts go to the loopback server, others are unreachable. */
  probe(): HttpProbePort {
    return {
      get: async (url, options) => {
        let outcome: CloudError | undefined;
        try {
          return await this.get(url, options.timeoutMs);
        } catch (err) {
          if (err instanceof CloudError) outcome = err;
          throw err;
        } finally {
          this.host.countProbe(outcome);
        }
      },
    };
  }

  private async get(url: string, timeoutMs: number): Promise<HttpProbeResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CloudError('Invalid', `not a URL: ${url}`);
    }
    // A world may declare any host; the simulated probe refuses what the real one would.
    const refused = refuseHost(parsed.hostname, { allowHosts: this.allowHosts });
    if (refused) throw new CloudError('AccessDenied', `GET ${url} refused: ${refused}`, { awsCode: 'ProbeHostRefused' });
    if (!this.host.isKnownHost(parsed.hostname)) {
      throw new CloudError('Unavailable', `getaddrinfo ENOTFOUND ${parsed.hostname}`, { awsCode: 'ENOTFOUND' });
    }
    const answer = this.host.answer(parsed.hostname, parsed.pathname, this.host.catchUp());
    if (!answer) throw new CloudError('Unavailable', `getaddrinfo ENOTFOUND ${parsed.hostname}`, { awsCode: 'ENOTFOUND' });
    let result: HttpProbeResult = { status: answer.status, body: answer.body, durationMs: answer.latencyMs };
    if (this.mode === 'loopback') {
      const port = await this.start();
      const token = String(this.nextToken++);
      this.pending.set(token, answer);
      const sent = await send(port, parsed.host, `${parsed.pathname}${parsed.search}`, token).finally(() => this.pending.delete(token));
      result = { status: sent.status, body: sent.body, durationMs: Number(sent.headers[LATENCY_HEADER] ?? answer.latencyMs) };
    }
    if (result.durationMs > timeoutMs) throw new CloudError('Timeout', `GET ${url} took longer than ${timeoutMs} ms`);
    return result;
  }
}

function send(port: number, host: string, path: string, token: string): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host, [PROBE_HEADER]: token }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new CloudError('Unavailable', `GET http://${host}${path}: ${err.message}`, { cause: err })));
    req.end();
  });
}
