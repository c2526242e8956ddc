import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from '../../../src/cli/http-get.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server on 127.0.0.1 answering each request with `answer`; returns its base URL and the headers it got. */
async function serve(answer: (path: string, res: ServerResponse) => void): Promise<{ base: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  server = createServer((req, res) => {
    seen.push(req.headers);
    answer(req.url ?? '/', res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('httpGet (the CLI reads on node:http)', () => {
  it('asks a server on this machine for no compression, sends the given headers, and reads the body', async () => {
    const { base, seen } = await serve((_path, res) => res.end('{"ok":true}'));
    const answer = await httpGet(`${base}/x`, { authorization: 'Bearer t' });
    expect([answer.status, answer.body.toString()]).toEqual([200, '{"ok":true}']);
    expect(seen[0]).toMatchObject({ 'accept-encoding': 'identity', authorization: 'Bearer t' });
  });

  it('reads a gzipped answer, and refuses an encoding it cannot read rather than show garbage', async () => {
    const text = JSON.stringify({ releases: Array.from({ length: 2_000 }, (_, i) => ({ name: `svc-${i}` })) });
    const { base } = await serve((path, res) => {
      if (path === '/br') {
        res.writeHead(200, { 'content-encoding': 'br' }).end('x');
        return;
      }
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(text));
    });
    expect((await httpGet(`${base}/list`)).body.toString()).toBe(text);
    await expect(httpGet(`${base}/br`)).rejects.toThrow(/answered in br/);
  });

  it('follows redirects, and gives the status of an error as it is', async () => {
    const { base } = await serve((path, res) => {
      if (path === '/old') res.writeHead(308, { location: '/new' }).end();
      else if (path === '/new') res.end('moved');
      else res.writeHead(503, 'Service Unavailable').end('<html>down</html>');
    });
    expect((await httpGet(`${base}/old`)).body.toString()).toBe('moved');
    expect(await httpGet(`${base}/down`)).toMatchObject({ status: 503, statusText: 'Service Unavailable' });
  });

  it('names the server it could not reach and why', async () => {
    const { base } = await serve((_path, res) => res.end());
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(httpGet(`${base}/api/v1/releases`)).rejects.toThrow(new RegExp(`^${base.replace(/[.:/]/g, '\\$&')}: .*ECONNREFUSED`));
  });
});
