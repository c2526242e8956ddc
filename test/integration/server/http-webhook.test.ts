import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../src/server/http.js';
import { errorCode, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

describe('POST /webhooks/git', () => {
  it('answers 404 WebhookNotConfigured when no Git source listens', async () => {
    h = await startHarness();
    const res = await fetch(`${h.url}/webhooks/git`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('WebhookNotConfigured');
  });

  it('hands the headers and raw body to the webhook and answers with its status, without needing the API token', async () => {
    const seen: WebhookRequest[] = [];
    h = await startHarness({
      webhook: async (req) => {
        seen.push(req);
        return { status: 202, message: 'fetch of main scheduled' };
      },
    });
    const payload = '{"ref":"refs/heads/main"}';
    const res = await fetch(`${h.url}/webhooks/git`, { method: 'POST', headers: { 'x-hub-signature-256': 'sha256=abc' }, body: payload });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message: 'fetch of main scheduled' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['x-hub-signature-256']).toBe('sha256=abc');
    expect(seen[0]?.body.toString('utf8')).toBe(payload);
  });

  it('turns a refusal by the webhook into a WebhookRejected error with its status', async () => {
    h = await startHarness({ webhook: async () => ({ status: 401, message: 'signature does not match' }) });
    const res = await fetch(`${h.url}/webhooks/git`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'WebhookRejected', message: 'signature does not match' } });
  });

  it('answers 500 Internal when the webhook throws, without its message', async () => {
    h = await startHarness({ webhook: async () => Promise.reject(new Error('secret path /etc/x unreadable')) });
    const res = await fetch(`${h.url}/webhooks/git`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'Internal' } });
    expect(body).not.toContain('/etc/x');
  });
});
