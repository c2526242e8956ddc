// HttpProbePort on node:http and node:https: one GET, a deadline, and a bounded body. The host is
// checked against the probe policy and resolved first; the connection goes to the address that
// was checked (so a DNS answer that changes between check and connect cannot redirect it).
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { RealClock } from '../runtime/clock.js';
import type { Clock } from '../runtime/clock.js';
import { CloudError } from './errors.js';
import type { HttpProbePort, HttpProbeResult } from './ports.js';
import { normalizeHost, refuseAddress, refuseHost } from './probe-policy.js';

/** Health bodies are short; a probe never holds more than this of one. */
export const PROBE_BODY_LIMIT = 64 * 1024;
const USER_AGENT = 'keelson-probe';

export interface HttpProbeOptions {
  /** The timeout runs on this Clock, so a server that never answers times out in virtual time too. */
  clock?: Pick<Clock, 'now'> & Partial<Pick<Clock, 'setTimer'>>;
  /** keelson.yaml probes.allowHosts: see probe-policy.ts. */
  allowHosts?: readonly string[];
  /** Every address of a name; default the system resolver. */
  resolve?: (hostname: string) => Promise<string[]>;
  /** Sends the request; default node:http or node:https by the URL's scheme. */
  send?: (url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;
}

const systemResolve = async (hostname: string): Promise<string[]> => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
const systemSend: NonNullable<HttpProbeOptions['send']> = (url, options, onResponse) =>
  (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, onResponse);

export function createHttpProbe(options: HttpProbeOptions = {}): HttpProbePort {
  const clock = options.clock ?? new RealClock();
  const timers: Pick<Clock, 'setTimer'> = clock.setTimer ? (clock as Pick<Clock, 'setTimer'>) : new RealClock();
  const policy = { allowHosts: options.allowHosts ?? [] };
  const resolve = options.resolve ?? systemResolve;
  const send = options.send ?? systemSend;
  return {
    async get(url: string, { timeoutMs }: { timeoutMs: number }): Promise<HttpProbeResult> {
      const target = parseUrl(url);
      const host = normalizeHost(target.hostname);
      const refusedHost = refuseHost(host, policy);
      if (refusedHost) throw refusal(url, refusedHost);
      const started = clock.now();
      const controller = new AbortController();
      // The deadline bounds the whole exchange, resolution and body included.
      const cancel = timers.setTimer(timeoutMs, () => controller.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
      try {
        const addresses = isIP(host) ? [host] : await resolve(host);
        if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        for (const address of addresses) {
          const why = isIP(host) ? undefined : refuseAddress(address, policy, host);
          if (why) throw refusal(url, why);
        }
        const pinned = addresses[0]!;
        const answer = await exchange(send, target, pinned, controller.signal);
        return { ...answer, durationMs: clock.now() - started };
      } catch (err) {
        if (err instanceof CloudError) throw err;
        throw probeError(controller.signal.aborted ? controller.signal.reason : err, url, timeoutMs);
      } finally {
        cancel();
      }
    },
  };
}

function parseUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new CloudError('Invalid', `GET ${url}: not a valid URL`, { service: 'http', operation: 'GET' });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new CloudError('Invalid', `GET ${url}: only http and https URLs are probed`, { service: 'http', operation: 'GET' });
  }
  return target;
}

function refusal(url: string, why: string): CloudError {
  return new CloudError('AccessDenied', `GET ${url} refused: ${why}`, { service: 'http', operation: 'GET', awsCode: 'ProbeHostRefused' });
}

/** Connects to `address` only, keeping the URL's host for the Host header and TLS name. */
function exchange(send: NonNullable<HttpProbeOptions['send']>, url: URL, address: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
  const family = isIP(address);
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const req = send(url, { method: 'GET', headers: { 'user-agent': USER_AGENT }, lookup, signal, agent: false }, (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      const done = (): void => finish(() => resolve({ status: res.statusCode ?? 0, body: new TextDecoder().decode(Buffer.concat(parts)) }));
      res.on('data', (chunk: Buffer) => {
        const part = chunk.subarray(0, PROBE_BODY_LIMIT - size);
        parts.push(part);
        size += part.byteLength;
        if (size >= PROBE_BODY_LIMIT) {
          // Keeps the limit and drops whatever is left.
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => finish(() => reject(err)));
    });
    req.on('error', (err) => finish(() => reject(err)));
    req.end();
  });
}

function probeError(err: unknown, url: string, timeoutMs: number): CloudError {
  const details = { service: 'http', operation: 'GET', cause: err };
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CloudError('Timeout', `GET ${url}: no answer within ${timeoutMs} ms`, details);
  }
  const code = (err as { code?: string } | undefined)?.code;
  const why = code ?? (err instanceof Error ? err.message : String(err));
  return new CloudError('Unavailable', `GET ${url}: ${why}`, details);
}
