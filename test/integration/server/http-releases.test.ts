import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { errorCode, startHarness, TOKEN, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

const canary: ReleaseStatus = {
  phase: 'Progressing',
  message: 'step 2/5: 10% to web:12 (green)',
  observedGeneration: 7,
  stableRevision: 'web:11',
  desiredRevision: 'web:12',
  blockedRevision: null,
  currentStepIndex: 1,
  weights: { blue: 90, green: 10 },
  conditions: [
    { type: 'Progressing', status: 'True', reason: 'RolloutInProgress', message: '', lastTransitionTime: '2026-03-01T11:50:00.000Z' },
    { type: 'Ready', status: 'False', reason: 'RolloutInProgress', message: '', lastTransitionTime: '2026-03-01T11:55:00.000Z' },
  ],
  history: [{ revision: 'web:11', result: 'Promoted', startedAt: '2026-02-28T10:00:00Z', finishedAt: '2026-02-28T10:30:00Z' }],
  lastOperationSeq: 1,
};

describe('GET /api/v1/releases', () => {
  it('lists every Release by name with its phase, revisions, weights and time since the last transition', async () => {
    h = await startHarness();
    await h.putStatus('web', canary);
    await h.putStatus('api', { phase: 'Healthy', stableRevision: 'api:3', weights: null });
    h.held.push('api', 'web', 'worker');
    const res = await fetch(`${h.url}/api/v1/releases`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const { releases } = (await res.json()) as { releases: { name: string }[] };
    expect(releases.map((r) => r.name)).toEqual(['api', 'web', 'worker']);
    expect(releases[1]).toEqual({
      name: 'web',
      phase: 'Progressing',
      message: 'step 2/5: 10% to web:12 (green)',
      step: 1,
      // No spec is known here (the stand-in controller holds none, the store kept none).
      steps: null,
      weights: { blue: 90, green: 10 },
      stableRevision: 'web:11',
      desiredRevision: 'web:12',
      blockedRevision: null,
      observedGeneration: 7,
      lastTransitionTime: '2026-03-01T11:55:00.000Z',
      ageSeconds: 300,
      firstTransitionTime: '2026-03-01T11:50:00.000Z',
      labels: {},
    });
    expect(releases[2]).toMatchObject({ name: 'worker', phase: 'Pending', message: 'not reconciled yet' });
  });

  it('answers an empty list when nothing is known', async () => {
    h = await startHarness();
    expect(await (await fetch(`${h.url}/api/v1/releases`)).json()).toEqual({ releases: [] });
  });
});

describe('GET /api/v1/releases/:name', () => {
  it('returns the full status and the operations not yet applied', async () => {
    h = await startHarness();
    await h.putStatus('web', canary);
    await h.store.requestOperation({ release: 'web', kind: 'promote', requestedAt: 1 });
    await h.store.requestOperation({ release: 'web', kind: 'abort', requestedAt: 2, requestedBy: 'bob' });
    const res = await fetch(`${h.url}/api/v1/releases/web`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ name: 'web', status: canary, pendingOperations: [{ seq: 2, release: 'web', kind: 'abort', requestedAt: 2, requestedBy: 'bob' }] });
  });

  it('answers 404 ReleaseNotFound for a Release neither stored nor held', async () => {
    h = await startHarness();
    const res = await fetch(`${h.url}/api/v1/releases/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'ReleaseNotFound', message: 'no Release named "nope"' } });
  });

  it('answers HEAD like GET, without a body', async () => {
    h = await startHarness();
    await h.putStatus('web', canary);
    const res = await fetch(`${h.url}/api/v1/releases/web`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('routing', () => {
  it('answers 404 NotFound for an unknown path', async () => {
    h = await startHarness();
    for (const path of ['/api/v1/release', '/api/v1/releases/web/status', '/healthz/']) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await errorCode(res), path).toBe('NotFound');
    }
  });

  it('answers 405 MethodNotAllowed with Allow for a known path and a wrong method', async () => {
    h = await startHarness();
    const cases: [string, string, string][] = [
      ['DELETE', '/api/v1/releases/web', 'GET, HEAD'],
      ['POST', '/healthz', 'GET, HEAD'],
      ['GET', '/api/v1/releases/web/promote', 'POST'],
      ['PUT', '/webhooks/git', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(await errorCode(res)).toBe('MethodNotAllowed');
    }
  });
});

describe('reads with readsRequireToken', () => {
  it('refuses reads of the API without the token but keeps probes and metrics open', async () => {
    h = await startHarness({ readsRequireToken: true });
    await h.putStatus('web', canary);
    let res = await fetch(`${h.url}/api/v1/releases`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    res = await fetch(`${h.url}/api/v1/releases/web`, { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('Forbidden');
    res = await fetch(`${h.url}/api/v1/releases/web`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
  });

  it('leaves reads open by default', async () => {
    h = await startHarness();
    expect((await fetch(`${h.url}/api/v1/releases`)).status).toBe(200);
  });
});
