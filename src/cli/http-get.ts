// The CLI's GET requests on node:http(s) rather than the global fetch: fetch loads and compiles
// undici (and its WebAssembly parser) on first use, tens of milliseconds of a `keelson get` that
// should answer at once. Like fetch it takes gzip and follows redirects; from a server on this
// machine it asks for none, since compressing megabytes there costs more than sending them.
import type { IncomingMessage, request as httpRequest } from 'node:http';

export interface HttpAnswer {
  status: number;
  statusText: string;
  /** Decoded (gunzipped) body. */
  body: Buffer;
}

/** Hosts whose answers come through the loopback interface. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** As many as fetch follows. */
const MAX_REDIRECTS = 20;

function once(url: URL, headers: Record<string, string>, request: typeof httpRequest): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'accept-encoding': LOOPBACK.has(url.hostname) ? 'identity' : 'gzip', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    const { request } = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
    let answer: { res: IncomingMessage; body: Buffer };
    try {
      answer = await once(target, headers, request);
    } catch (err) {
      throw new Error(`${target.origin}: ${(err as Error).message}`, { cause: err });
    }
    const { res, body } = answer;
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location && hop < MAX_REDIRECTS) {
      target = new URL(location, target);
      continue;
    }
    const encoding = res.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity' && encoding !== 'gzip') throw new Error(`${target.href}: answered in ${encoding}, which keelson does not read`);
    // zlib loads only for a gzipped answer: a loopback server sends none.
    const decoded = encoding === 'gzip' && body.length > 0 ? (await import('node:zlib')).gunzipSync(body) : body;
    return { status, statusText: res.statusMessage ?? '', body: decoded };
  }
}
