// The dashboard's files: / redirects to /ui/, each file with its content type, an ETag that
// answers 304, security headers on every one, the vendored modules from their packages, and
// nothing outside web/ whatever the path says.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMapOf } from '../../../src/server/dashboard-assets.js';
import { startHarness, type Harness } from './harness.js';

const ROOT = join(import.meta.dirname, '../../..');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.server.close());

/** A request sent as written: fetch and URL would resolve the dots before it leaves. */
function raw(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.server.port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard files', () => {
  it('redirects / to /ui/', async () => {
    const res = await fetch(`${h.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it('serves the page and a Release page as HTML whose policy allows exactly its import map', async () => {
    for (const path of ['/ui/', '/ui/releases/web']) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      const map = importMapOf(html)!;
      expect(JSON.parse(map).imports).toMatchObject({ preact: '/ui/vendor/preact.mjs', 'htm/preact': '/ui/vendor/htm-preact.mjs', uplot: '/ui/vendor/uplot.mjs' });
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/(^|; )default-src 'self';/);
      expect(/script-src ([^;]*)/.exec(csp)?.[1]).toBe(`'self' 'sha256-${createHash('sha256').update(map).digest('base64')}'`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('serves modules, styles and vendored packages with their content types and security headers', async () => {
    const cases: [string, string][] = [
      ['/ui/app.js', 'text/javascript; charset=utf-8'],
      ['/ui/style.css', 'text/css; charset=utf-8'],
      ['/ui/icon.svg', 'image/svg+xml'],
      ['/ui/vendor/preact.mjs', 'text/javascript; charset=utf-8'],
      ['/ui/vendor/preact-hooks.mjs', 'text/javascript; charset=utf-8'],
      ['/ui/vendor/htm.mjs', 'text/javascript; charset=utf-8'],
      ['/ui/vendor/htm-preact.mjs', 'text/javascript; charset=utf-8'],
      ['/ui/vendor/uplot.mjs', 'text/javascript; charset=utf-8'],
      ['/ui/vendor/uplot.css', 'text/css; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
    expect(await (await fetch(`${h.url}/ui/app.js`)).text()).toBe(await readFile(join(ROOT, 'web/app.js'), 'utf8'));
    expect(await (await fetch(`${h.url}/ui/vendor/uplot.mjs`)).text()).toContain('export { uPlot as default }');
  });

  it('answers 304 to a request with the ETag it gave; vendored files may be cached', async () => {
    const first = await fetch(`${h.url}/ui/app.js`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await fetch(`${h.url}/ui/app.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${h.url}/ui/vendor/preact.mjs`)).headers.get('cache-control')).toMatch(/max-age=\d+/);
  });

  it('serves nothing outside web/ and no vendored file it does not name', async () => {
    for (const path of ['/ui/../package.json', '/ui/..%2fpackage.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/vendor/..%2f..%2fpackage.json', '/ui/vendor/lodash.mjs', '/ui/.hidden.js', '/ui/app.ts', '/ui//etc/passwd', '/ui/%2fetc%2fpasswd']) {
      expect(await raw(path), path).toBe(404);
    }
  });
});
