import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { errorCode, PEOPLE, post, startHarness, tokenOf, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

const APPROVERS = { 'release-managers': ['alice', 'bob'] };

const waiting: ReleaseStatus = {
  phase: 'Paused',
  desiredRevision: 'web:42',
  lastOperationSeq: 0,
  approvals: { revision: 'web:42', granted: [], waiting: { required: 2, received: 0, group: 'release-managers', approvers: [] } },
  audit: {
    seq: 2,
    generation: 3,
    entries: [
      { seq: 1, at: '2026-03-01T12:00:00.000Z', by: 'source', what: 'SpecChanged', revision: 'web:42', sourceRevision: 'main@sha1:4f2c9e1', detail: 'generation 3 from main@sha1:4f2c9e1 asks for web:42' },
      { seq: 2, at: '2026-03-01T12:00:05.000Z', by: 'keelson', what: 'RolloutStarted', revision: 'web:42', fromRevision: 'web:41', sourceRevision: 'main@sha1:4f2c9e1', detail: 'rollout of web:42 on green started (3 steps)' },
    ],
  },
};

describe('POST /api/v1/releases/:name/approve', () => {
  it('records an approval with who and the revision, enqueues the Release and answers 202', async () => {
    h = await startHarness({ approvers: APPROVERS, auth: { tokens: PEOPLE } });
    await h.putStatus('web', waiting);
    const res = await post(`${h.url}/api/v1/releases/web/approve`, { revision: 'web:42' }, tokenOf('alice'));
    expect(res.status).toBe(202);
    const expected = { seq: 1, release: 'web', kind: 'approve', requestedAt: h.clock.now(), requestedBy: 'alice', requestedVia: 'token', revision: 'web:42' };
    expect(await res.json()).toEqual({ operation: expected });
    expect(await h.store.listOperations('web', 0)).toEqual([expected]);
    expect(h.enqueued).toEqual(['web']);
  });

  it('refuses at once, with 403 ApprovalRefused, someone outside the group the gate waits for', async () => {
    h = await startHarness({ approvers: APPROVERS, auth: { tokens: PEOPLE } });
    await h.putStatus('web', waiting);
    const res = await post(`${h.url}/api/v1/releases/web/approve`, {}, tokenOf('mallory'));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toEqual({
      code: 'ApprovalRefused',
      message: 'mallory is not a member of release-managers, the group whose approval web:42 waits for (keelson.yaml approvers: alice, bob)',
    });
    expect(await h.store.listOperations('web', 0)).toEqual([]);
  });

  it.each([
    [{ by: 'alice' }, '"by" is not accepted'],
    [{ full: true }, '"full" applies only to promote'],
    [{ revision: '' }, '"revision" must be a non-empty string'],
    [{ extra: 1 }, 'unknown field(s) "extra"'],
  ])('answers 400 InvalidBody for %j', async (body, says) => {
    h = await startHarness({ approvers: APPROVERS });
    await h.putStatus('web', waiting);
    const res = await post(`${h.url}/api/v1/releases/web/approve`, body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe('InvalidBody');
    expect(answer.error.message).toContain(says);
  });

  it('refuses a revision on promote, abort and retry', async () => {
    h = await startHarness();
    await h.putStatus('web', waiting);
    const res = await post(`${h.url}/api/v1/releases/web/promote`, { revision: 'web:42' });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('InvalidBody');
  });
});

describe('GET /api/v1/releases/:name/history', () => {
  it('serves the audit entries, oldest first, with the limit status keeps', async () => {
    h = await startHarness();
    await h.putStatus('web', waiting);
    const res = await fetch(`${h.url}/api/v1/releases/web/history`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'web', limit: 200, entries: waiting.audit!.entries });
  });

  it('answers 404 ReleaseNotFound for an unknown Release', async () => {
    h = await startHarness();
    const res = await fetch(`${h.url}/api/v1/releases/ghost/history`);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('ReleaseNotFound');
  });
});
