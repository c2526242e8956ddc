// Named API tokens over HTTP: each role against each endpoint, scopes by label and by source,
// the actor recorded, whoami, and refusals logged (without the token) and counted.
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../../src/api/types.js';
import type { NamedTokenOptions } from '../../../src/server/authenticate.js';
import type { HttpServerOptions } from '../../../src/server/http.js';
import { errorCode, LEASE, PEOPLE, post, startHarness, TOKEN, tokenOf, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

const GIT = 'git:https://github.com/acme/deploy.git#main:releases';
const TOKENS: NamedTokenOptions[] = [
  ...PEOPLE,
  { name: 'aep-ci', token: 'aep-ci-token', roles: ['operator'], scope: { labelSelector: 'team=aep' } },
  { name: 'git-ci', token: 'git-ci-token', roles: ['operator'], scope: { sources: [GIT] } },
];

/** web (held, from Git, team=web), aep (held, from a folder, team=aep), gone (only in the store, team=aep, from a folder). */
async function start(overrides: Partial<HttpServerOptions> = {}): Promise<Harness> {
  h = await startHarness({ auth: { tokens: TOKENS }, ...overrides });
  h.held.push('web', 'aep');
  h.labels = { web: { team: 'web' }, aep: { team: 'aep' } };
  h.releaseSources = { web: GIT, aep: 'dir:releases' };
  for (const name of ['web', 'aep', 'gone']) await h.putStatus(name, { phase: 'Paused', desiredRevision: `${name}:2`, lastOperationSeq: 0 });
  const lease = await h.store.read(LEASE);
  const release = { metadata: { name: 'gone', labels: { team: 'aep' } } } as unknown as Release;
  await h.store.putLastKnownSpec({ source: 'dir:releases', generation: 1, sourceRevision: 'r1', release }, { lease: LEASE, token: lease!.token });
  return h;
}

const get = (path: string, token: string | null): Promise<Response> => fetch(`${h.url}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
const namesIn = async (res: Response): Promise<string[]> => ((await res.json()) as { releases: { name: string }[] }).releases.map((r) => r.name);

describe('roles on the HTTP API', () => {
  const READS = ['/api/v1/releases', '/api/v1/releases/web', '/api/v1/releases/web/history', '/api/v1/shards'];
  const OPERATIONS = ['promote', 'abort', 'retry', 'restart'];

  it.each([
    ['vic', 'viewer', false, false],
    ['ci-deployer', 'operator', true, false],
    ['alice', 'approver', false, true],
  ])('%s (%s) reads; operates: %s; approves: %s', async (who, _role, operates, approves) => {
    await start();
    for (const path of READS) expect((await get(path, tokenOf(who))).status, path).toBe(200);
    for (const verb of OPERATIONS) {
      const res = await post(`${h.url}/api/v1/releases/web/${verb}`, undefined, tokenOf(who));
      expect(res.status, verb).toBe(operates ? 202 : 403);
      if (!operates) expect(await errorCode(res)).toBe('MissingRole');
    }
    const res = await post(`${h.url}/api/v1/releases/web/approve`, {}, tokenOf(who));
    expect(res.status).toBe(approves ? 202 : 403);
    if (!approves) expect(await errorCode(res)).toBe('MissingRole');
    const ops = await h.store.listOperations('web', 0);
    expect(ops.every((op) => op.requestedBy === who && op.requestedVia === 'token')).toBe(true);
    expect(ops.length).toBe((operates ? OPERATIONS.length : 0) + (approves ? 1 : 0));
  });

  it('needs an identity for reads once named tokens are configured, unless readsRequireToken is false', async () => {
    await start();
    for (const path of READS) {
      const res = await get(path, null);
      expect(res.status, path).toBe(401);
      expect(await errorCode(res)).toBe('Unauthorized');
    }
    await h.server.close();
    await start({ readsRequireToken: false });
    for (const path of READS) expect((await get(path, null)).status, path).toBe(200);
  });

  it('keeps the single apiToken an identity with every role, and reads open beside it alone', async () => {
    h = await startHarness();
    await h.putStatus('web', { phase: 'Paused', lastOperationSeq: 0 });
    expect((await get('/api/v1/releases/web', null)).status).toBe(200);
    expect((await post(`${h.url}/api/v1/releases/web/abort`)).status).toBe(202);
    expect((await post(`${h.url}/api/v1/releases/web/approve`, {})).status).toBe(202);
    expect((await h.store.listOperations('web', 0)).map((op) => [op.kind, op.requestedBy, op.requestedVia])).toEqual([
      ['abort', 'api-token', 'token'],
      ['approve', 'api-token', 'token'],
    ]);
  });
});

describe('scopes', () => {
  it('by label selector: operations and reads of Releases whose labels match, and only those listed', async () => {
    await start();
    expect((await post(`${h.url}/api/v1/releases/aep/promote`, undefined, tokenOf('aep-ci'))).status).toBe(202);
    // Known to the store only: its labels come from the last known spec.
    expect((await post(`${h.url}/api/v1/releases/gone/abort`, undefined, tokenOf('aep-ci'))).status).toBe(202);
    const refused = await post(`${h.url}/api/v1/releases/web/promote`, undefined, tokenOf('aep-ci'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'NotInScope', role: 'operator', release: 'web' } });
    expect(await h.store.listOperations('web', 0)).toEqual([]);
    expect(await namesIn(await get('/api/v1/releases', tokenOf('aep-ci')))).toEqual(['aep', 'gone']);
    expect((await get('/api/v1/releases/web', tokenOf('aep-ci'))).status).toBe(403);
    expect((await get('/api/v1/releases/web/history', tokenOf('aep-ci'))).status).toBe(403);
    expect(await namesIn(await get('/api/v1/releases', tokenOf('vic')))).toEqual(['aep', 'gone', 'web']);
  });

  it('by source: the Releases the controller holds from that source, from the store for others', async () => {
    await start();
    expect((await post(`${h.url}/api/v1/releases/web/retry`, undefined, tokenOf('git-ci'))).status).toBe(202);
    for (const name of ['aep', 'gone']) {
      const res = await post(`${h.url}/api/v1/releases/${name}/retry`, undefined, tokenOf('git-ci'));
      expect(res.status, name).toBe(403);
      expect(await errorCode(res)).toBe('NotInScope');
    }
    expect(await namesIn(await get('/api/v1/releases', tokenOf('git-ci')))).toEqual(['web']);
  });
});

describe('GET /api/v1/whoami', () => {
  const whoami = async (query: string, token: string | null): Promise<unknown> => {
    const res = await get(`/api/v1/whoami${query}`, token);
    expect(res.status).toBe(200);
    return res.json();
  };

  it('names the identity, how it was proved and its roles, anywhere or on one Release', async () => {
    await start();
    expect(await whoami('', tokenOf('bob'))).toEqual({ actor: 'bob', via: 'token', roles: ['viewer', 'operator', 'approver'] });
    expect(await whoami('', tokenOf('aep-ci'))).toEqual({ actor: 'aep-ci', via: 'token', roles: ['viewer', 'operator'] });
    expect(await whoami('?release=aep', tokenOf('aep-ci'))).toEqual({ actor: 'aep-ci', via: 'token', roles: ['viewer', 'operator'] });
    expect(await whoami('?release=web', tokenOf('aep-ci'))).toEqual({ actor: 'aep-ci', via: 'token', roles: [] });
    expect(await whoami('', TOKEN)).toEqual({ actor: 'api-token', via: 'token', roles: ['viewer', 'operator', 'approver'] });
  });

  it('answers an unauthenticated caller with no actor, and viewer only when reads are open', async () => {
    await start();
    expect(await whoami('', null)).toEqual({ actor: null, via: null, roles: [] });
    await h.server.close();
    await start({ readsRequireToken: false });
    expect(await whoami('?release=web', null)).toEqual({ actor: null, via: null, roles: ['viewer'] });
  });

  it('refuses a token it does not know', async () => {
    await start();
    const res = await get('/api/v1/whoami', 'nobody-token');
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('Forbidden');
  });
});

describe('refusals', () => {
  function capture(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger: Logger = pino({ level: 'debug' }, stream);
    return { logger, text: () => text, lines: () => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('are logged one line per code a minute, with how many went unlogged, never with a token, and counted', async () => {
    const log = capture();
    await start({ logger: log.logger });
    for (let i = 0; i < 3; i++) expect((await post(`${h.url}/api/v1/releases/web/promote`, undefined, 'stolen-token-1234')).status).toBe(403);
    expect((await post(`${h.url}/api/v1/releases/web/promote`, undefined, tokenOf('vic'))).status).toBe(403);
    await h.clock.advance(61_000);
    expect((await post(`${h.url}/api/v1/releases/web/promote`, undefined, 'stolen-token-1234')).status).toBe(403);
    expect((await post(`${h.url}/api/v1/releases/web/promote`, undefined, tokenOf('ci-deployer'))).status).toBe(202);
    const refusals = log.lines().filter((l) => l.msg === `HTTP request refused: ${String(l.code)}`);
    expect(refusals.map((l) => [l.code, l.unlogged])).toEqual([
      ['Forbidden', undefined],
      ['MissingRole', undefined],
      ['Forbidden', 2],
    ]);
    expect(log.text()).toContain('promote requested by ci-deployer');
    for (const secret of ['stolen-token-1234', tokenOf('vic'), tokenOf('ci-deployer')]) expect(log.text()).not.toContain(secret);
    const metrics = await h.metrics.render();
    expect(metrics).toContain('keelson_http_auth_failures_total{code="Forbidden"} 4');
    expect(metrics).toContain('keelson_http_auth_failures_total{code="MissingRole"} 1');
    expect(metrics).toContain('keelson_http_auth_failures_total{code="NotInScope"} 0');
  });
});

describe('request limits', () => {
  it('answers 431 to headers over 16 KiB (a bearer token among them) before any route runs, and takes one under it', async () => {
    await start();
    const status = (authorization: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(`${h.url}/api/v1/whoami`, { headers: { authorization } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status(`Bearer ${'x'.repeat(17 * 1024)}`)).toBe(431);
    expect(await status(`Bearer ${'x'.repeat(8 * 1024)}`)).toBe(403);
    expect(await h.metrics.render()).toContain('keelson_http_auth_failures_total{code="Forbidden"} 1');
  });
});
