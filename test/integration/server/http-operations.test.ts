import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, post, startHarness, TOKEN, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

async function withRelease(name = 'web'): Promise<void> {
  await h.putStatus(name, { phase: 'Paused', desiredRevision: `${name}:12`, lastOperationSeq: 0 });
}

describe('POST /api/v1/releases/:name/promote|abort|retry', () => {
  it('appends a promote with the next sequence number, enqueues the Release and answers 202', async () => {
    h = await startHarness();
    await withRelease();
    await h.store.requestOperation({ release: 'web', kind: 'retry', requestedAt: 0 });
    const res = await post(`${h.url}/api/v1/releases/web/promote`);
    expect(res.status).toBe(202);
    // The single apiToken is the identity api-token.
    const expected = { seq: 2, release: 'web', kind: 'promote', requestedAt: h.clock.now(), requestedBy: 'api-token', requestedVia: 'token' };
    expect(await res.json()).toEqual({ operation: expected });
    expect(await h.store.listOperations('web', 1)).toEqual([expected]);
    expect(h.enqueued).toEqual(['web']);
  });

  it('asks for promoteFull when the body says full', async () => {
    h = await startHarness();
    await withRelease();
    const res = await post(`${h.url}/api/v1/releases/web/promote`, { full: true });
    expect(res.status).toBe(202);
    expect((await h.store.listOperations('web', 0)).map((op) => op.kind)).toEqual(['promoteFull']);
  });

  it('records abort and retry, in order, with no body at all', async () => {
    h = await startHarness();
    await withRelease();
    expect((await post(`${h.url}/api/v1/releases/web/abort`)).status).toBe(202);
    expect((await post(`${h.url}/api/v1/releases/web/retry`)).status).toBe(202);
    const ops = await h.store.listOperations('web', 0);
    expect(ops.map((op) => [op.seq, op.kind, op.requestedBy])).toEqual([[1, 'abort', 'api-token'], [2, 'retry', 'api-token']]);
    expect(h.enqueued).toEqual(['web', 'web']);
  });

  it('accepts an operation on a Release the controller holds but has not reconciled yet', async () => {
    h = await startHarness();
    h.held.push('fresh');
    expect((await post(`${h.url}/api/v1/releases/fresh/abort`)).status).toBe(202);
  });

  it('answers 404 ReleaseNotFound for an unknown Release and records nothing', async () => {
    h = await startHarness();
    const res = await post(`${h.url}/api/v1/releases/ghost/promote`);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('ReleaseNotFound');
    expect(await h.store.listOperations('ghost', 0)).toEqual([]);
    expect(h.enqueued).toEqual([]);
  });

  it.each([
    ['not JSON', '{full:', 'body is not JSON'],
    ['an array', '[1]', 'JSON object'],
    ['full not a boolean', '{"full":"yes"}', '"full" must be true or false'],
    ['who asks, which the token says', '{"by":"alice"}', '"by" is not accepted'],
    ['an unknown field', '{"force":true}', 'unknown field(s) "force"'],
  ])('answers 400 InvalidBody for %s', async (_what, body, message) => {
    h = await startHarness();
    await withRelease();
    const res = await post(`${h.url}/api/v1/releases/web/promote`, body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('InvalidBody');
    expect(error.message).toContain(message);
    expect(await h.store.listOperations('web', 0)).toEqual([]);
  });

  it('refuses full on abort', async () => {
    h = await startHarness();
    await withRelease();
    const res = await post(`${h.url}/api/v1/releases/web/abort`, { full: true });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('InvalidBody');
  });
});

describe('authorisation of operations', () => {
  it('answers 401 without a token, 403 with a wrong one, and writes nothing', async () => {
    h = await startHarness();
    await withRelease();
    let res = await post(`${h.url}/api/v1/releases/web/promote`, undefined, null);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('Unauthorized');
    res = await fetch(`${h.url}/api/v1/releases/web/promote`, { method: 'POST', headers: { authorization: `Basic ${TOKEN}` } });
    expect(res.status).toBe(401);
    res = await post(`${h.url}/api/v1/releases/web/promote`, undefined, `${TOKEN}x`);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('Forbidden');
    res = await post(`${h.url}/api/v1/releases/web/promote`, undefined, TOKEN.slice(0, -1));
    expect(res.status).toBe(403);
    expect(await h.store.listOperations('web', 0)).toEqual([]);
    expect(h.enqueued).toEqual([]);
  });

  it('accepts the scheme in any case', async () => {
    h = await startHarness();
    await withRelease();
    const res = await fetch(`${h.url}/api/v1/releases/web/retry`, { method: 'POST', headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(202);
  });

  it('refuses every operation with 403 ApiTokenNotConfigured and says how to configure one', async () => {
    h = await startHarness({ apiToken: undefined });
    await withRelease();
    const res = await post(`${h.url}/api/v1/releases/web/promote`, undefined, 'anything');
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('ApiTokenNotConfigured');
    expect(error.message).toContain('KEELSON_API_TOKEN');
    expect(await h.store.listOperations('web', 0)).toEqual([]);
  });
});

/** Posts a body through node:http, declaring its length or sending it chunked. */
function rawPost(url: string, body: Buffer, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': body.length }) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (chunked) {
      // Several writes, so the server sees the size grow past the cap mid-stream.
      for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.subarray(i, i + 256 * 1024));
      req.end();
    } else req.end(body);
  });
}

describe('request size', () => {
  const oversized = Buffer.alloc(1024 * 1024 + 1, 0x20);

  it.each([['declared in Content-Length', false], ['sent chunked', true]])('answers 413 PayloadTooLarge for a body over 1 MiB %s', async (_how, chunked) => {
    h = await startHarness();
    await withRelease();
    const res = await rawPost(`${h.url}/api/v1/releases/web/promote`, oversized, chunked);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect(await h.store.listOperations('web', 0)).toEqual([]);
  });

  it('accepts a body of exactly 1 MiB (all whitespace around an empty object is still an object)', async () => {
    h = await startHarness();
    await withRelease();
    const body = Buffer.alloc(1024 * 1024, 0x20);
    body.write('{}', 0);
    const res = await rawPost(`${h.url}/api/v1/releases/web/promote`, body, true);
    expect(res.status).toBe(202);
  });
});
