// `npm start` (keelson demo): prints the dashboard's address with a token for the run, serves the
// dashboard and the API while it runs, accepts that token, and ends on its own when its output is
// not a terminal (a terminal keeps it up until Ctrl-C).
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { start } from './support/keelson.js';

describe('keelson demo', () => {
  it('prints the dashboard address with a token that the API takes, and ends when not on a terminal', async () => {
    const demo = start(['demo', '--seconds', '6'], tmpdir());
    const line = await demo.line((l) => l.includes('Dashboard: '));
    const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ui\/#token=([A-Za-z0-9_-]{20,})$/.exec(line);
    expect(found, line).not.toBeNull();
    const [, base, token] = found!;
    const page = await fetch(`${base}/ui/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="importmap">');
    expect(demo.stdout()).toContain(`npx keelson get releases --server ${base}`);
    const refused = await fetch(`${base}/api/v1/releases/rastup-api-prod/abort`, { method: 'POST', headers: { authorization: 'Bearer not-the-token' } });
    expect(refused.status).toBe(403);
    const accepted = await fetch(`${base}/api/v1/releases/rastup-api-prod/abort`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(accepted.status).toBe(202);
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.stdout()).not.toContain('Press Ctrl-C');
  }, 60_000);
});
