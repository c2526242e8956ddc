// OIDC JWTs over HTTP, with keys made by jose and the issuer's discovery document and JWKS served
// on loopback: a valid token gets the roles of its bindings; a token for another audience or
// issuer, expired, not yet valid, badly signed, unsigned or HMAC-signed is refused 401 with why.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OidcOptions } from '../../../src/server/oidc.js';
import { DEFAULT_ALGORITHMS } from '../../../src/server/oidc.js';
import { errorCode, post, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let issuerServer: Server;
let issuer: string;
let signing: Key;
let stranger: Key;
let jwksReads = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signing = pair.privateKey;
  stranger = (await generateKeyPair('ES256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  issuerServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    if (req.url === '/keys') {
      jwksReads++;
      return res.end(JSON.stringify({ keys: [jwk] }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => issuerServer.close(() => resolve())));

function oidc(overrides: Partial<OidcOptions> = {}): OidcOptions {
  return {
    issuer,
    audience: 'keelson',
    nameClaim: 'email',
    groupsClaim: 'groups',
    algorithms: DEFAULT_ALGORITHMS,
    clockToleranceS: 30,
    bindings: [
      { group: 'release-managers', grant: { roles: ['approver'] } },
      { subject: 'deploy-bot@example.com', grant: { roles: ['operator'] } },
    ],
    ...overrides,
  };
}

/** A JWT issued now on the harness's clock, valid 5 minutes, signed with the issuer's key unless told. */
async function jwt(claims: JWTPayload = {}, options: { key?: Key; iss?: string; aud?: string; iat?: number; exp?: number; nbf?: number } = {}): Promise<string> {
  const now = Math.floor(h.clock.now() / 1000);
  const token = new SignJWT({ email: 'alice@example.com', groups: ['release-managers'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? 'keelson')
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 300);
  if (options.nbf !== undefined) token.setNotBefore(options.nbf);
  return token.sign(options.key ?? signing);
}

async function start(overrides: Partial<OidcOptions> = {}): Promise<void> {
  h = await startHarness({ apiToken: undefined, auth: { oidc: oidc(overrides) }, approvers: { 'release-managers': ['alice@example.com'] } });
  await h.putStatus('web', {
    phase: 'Paused',
    desiredRevision: 'web:42',
    lastOperationSeq: 0,
    approvals: { revision: 'web:42', granted: [], waiting: { required: 1, received: 0, group: 'release-managers', approvers: [] } },
  });
}

const whoami = async (token: string): Promise<unknown> => (await fetch(`${h.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } })).json();

describe('OIDC bearer tokens', () => {
  it('give the roles of the bindings that match the groups or the name, and record the name claim as the actor', async () => {
    await start();
    expect(await whoami(await jwt())).toEqual({ actor: 'alice@example.com', via: 'oidc', roles: ['viewer', 'approver'] });
    const approved = await post(`${h.url}/api/v1/releases/web/approve`, {}, await jwt());
    expect(approved.status).toBe(202);
    const bot = await jwt({ email: 'deploy-bot@example.com', groups: [] });
    expect((await post(`${h.url}/api/v1/releases/web/promote`, undefined, bot)).status).toBe(202);
    expect((await h.store.listOperations('web', 0)).map((op) => [op.kind, op.requestedBy, op.requestedVia])).toEqual([
      ['approve', 'alice@example.com', 'oidc'],
      ['promote', 'deploy-bot@example.com', 'oidc'],
    ]);
  });

  it('finds the keys through the discovery document, or at jwksUri when given', async () => {
    await start();
    const before = jwksReads;
    expect(await whoami(await jwt())).toMatchObject({ actor: 'alice@example.com' });
    expect(jwksReads).toBe(before + 1);
    await h.server.close();
    await start({ jwksUri: `${issuer}/keys` });
    expect(await whoami(await jwt())).toMatchObject({ actor: 'alice@example.com' });
  });

  it('refuses with 403 MissingRole a valid token whose groups and name match no binding', async () => {
    await start();
    const res = await post(`${h.url}/api/v1/releases/web/approve`, {}, await jwt({ email: 'eve@example.com', groups: ['interns'] }));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('MissingRole');
  });

  it('refuses an approver outside the gate\'s approvers group by name at once', async () => {
    await start();
    const res = await post(`${h.url}/api/v1/releases/web/approve`, {}, await jwt({ email: 'bob@example.com' }));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('ApprovalRefused');
  });

  it('counts for an approvers group that lists group:NAME when the groups claim holds NAME, and keeps the group with the operation', async () => {
    h = await startHarness({ apiToken: undefined, auth: { oidc: oidc({ bindings: [{ group: 'sre', grant: { roles: ['approver'] } }, { group: 'staff', grant: { roles: ['approver'] } }] }) }, approvers: { 'release-managers': ['group:sre'] } });
    await h.putStatus('web', {
      phase: 'Paused',
      desiredRevision: 'web:42',
      lastOperationSeq: 0,
      approvals: { revision: 'web:42', granted: [], waiting: { required: 1, received: 0, group: 'release-managers', approvers: [] } },
    });
    expect((await post(`${h.url}/api/v1/releases/web/approve`, {}, await jwt({ email: 'carol@example.com', groups: ['sre', 'staff'] }))).status).toBe(202);
    const refused = await post(`${h.url}/api/v1/releases/web/approve`, {}, await jwt({ email: 'dave@example.com', groups: ['staff'] }));
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('ApprovalRefused');
    const ops = await h.store.listOperations('web', 0);
    expect(ops.map((op) => [op.requestedBy, op.requestedGroups])).toEqual([['carol@example.com', ['sre']]]);
  });

  const refusals: [string, () => Promise<string>, string][] = [
    ['another audience', () => jwt({}, { aud: 'someone-else' }), 'audience'],
    ['another issuer', () => jwt({}, { iss: 'https://evil.example.com' }), 'issuer'],
    ['expired beyond the clock tolerance', () => jwt({}, { iat: Math.floor(h.clock.now() / 1000) - 600, exp: Math.floor(h.clock.now() / 1000) - 31 }), 'expired'],
    ['not valid yet', () => jwt({}, { nbf: Math.floor(h.clock.now() / 1000) + 120 }), 'notYetValid'],
    ['signed by another key', () => jwt({}, { key: stranger }), 'signature'],
    ['unsigned (alg none)', async () => new UnsecuredJWT({ email: 'alice@example.com', groups: ['release-managers'] }).setIssuer(issuer).setAudience('keelson').encode(), 'algorithm'],
    [
      'HMAC-signed with the public key as secret',
      () => new SignJWT({ email: 'alice@example.com' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(issuer).setAudience('keelson').setExpirationTime('5m').sign(new TextEncoder().encode('k1')),
      'algorithm',
    ],
    ['without the name claim', () => jwt({ email: undefined }), 'claims'],
  ];

  it.each(refusals)('refuses a token %s with 401 InvalidToken and the reason, and records nothing', async (_what, make, reason) => {
    await start();
    const res = await post(`${h.url}/api/v1/releases/web/approve`, {}, await make());
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'InvalidToken', reason } });
    expect(await h.store.listOperations('web', 0)).toEqual([]);
    expect(await h.metrics.render()).toContain('keelson_http_auth_failures_total{code="InvalidToken"} 1');
  });

  it('accepts a token expired within the clock tolerance', async () => {
    await start();
    const now = Math.floor(h.clock.now() / 1000);
    expect(await whoami(await jwt({}, { iat: now - 600, exp: now - 10 }))).toMatchObject({ actor: 'alice@example.com' });
  });

  it('answers 503 AuthUnavailable while the issuer\'s discovery document cannot be read', async () => {
    await start({ issuer: 'http://127.0.0.1:9/nowhere' });
    const res = await post(`${h.url}/api/v1/releases/web/approve`, {}, await jwt());
    expect(res.status).toBe(503);
    expect(await errorCode(res)).toBe('AuthUnavailable');
  });
});
