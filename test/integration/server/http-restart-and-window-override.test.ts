import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, PEOPLE, post, startHarness, tokenOf, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

describe('POST /api/v1/releases/:name/restart and promote with overrideWindow', () => {
  it('records a restart with who asked and when, and enqueues the Release', async () => {
    h = await startHarness({ auth: { tokens: PEOPLE } });
    await h.putStatus('web', { phase: 'Healthy', desiredRevision: 'web:12', stableRevision: 'web:12', lastOperationSeq: 0 });
    const res = await post(`${h.url}/api/v1/releases/web/restart`, undefined, tokenOf('bob'));
    expect(res.status).toBe(202);
    expect(await h.store.listOperations('web', 0)).toEqual([{ seq: 1, release: 'web', kind: 'restart', requestedAt: h.clock.now(), requestedBy: 'bob', requestedVia: 'token' }]);
    expect(h.enqueued).toEqual(['web']);
  });

  it('records a promote that overrides a closed deployment window', async () => {
    h = await startHarness({ auth: { tokens: PEOPLE } });
    await h.putStatus('web', { phase: 'Pending', desiredRevision: 'web:13', lastOperationSeq: 0 });
    expect((await post(`${h.url}/api/v1/releases/web/promote`, { overrideWindow: true }, tokenOf('bob'))).status).toBe(202);
    expect((await h.store.listOperations('web', 0)).map((op) => [op.kind, op.overrideWindow, op.requestedBy])).toEqual([['promote', true, 'bob']]);
  });

  it.each([
    ['restart', { overrideWindow: true }, '"overrideWindow" applies only to promote'],
    ['restart', { full: true }, '"full" applies only to promote'],
    ['promote', { overrideWindow: 'yes' }, '"overrideWindow" must be true or false'],
  ])('refuses %s with %j', async (verb, body, message) => {
    h = await startHarness();
    await h.putStatus('web', { phase: 'Healthy', lastOperationSeq: 0 });
    const res = await post(`${h.url}/api/v1/releases/web/${verb}`, body);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('InvalidBody');
    const again = await post(`${h.url}/api/v1/releases/web/${verb}`, body);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain(message);
    expect(await h.store.listOperations('web', 0)).toEqual([]);
  });
});
