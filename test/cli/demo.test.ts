// `npm start` (keelson demo): prints the dashboard's address with a token for the run, serves the
// dashboard and the API while it runs, accepts that token, and ends on its own when its output is
// not a terminal (a terminal keeps it up until Ctrl-C); `keelson get releases` in the same folder,
// with nothing configured, reads the running demo.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keelson, start, tempFolder } from './support/keelson.js';

describe('keelson demo', () => {
  it('prints the dashboard address with a token that the API takes, and ends when not on a terminal', async () => {
    const folder = await tempFolder();
    const demo = start(['demo', '--seconds', '6'], folder.dir);
    const line = await demo.line((l) => l.includes('Dashboard: '));
    const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ui\/#token=([A-Za-z0-9_-]{20,})$/.exec(line);
    expect(found, line).not.toBeNull();
    const [, base, token] = found!;
    const page = await fetch(`${base}/ui/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="importmap">');
    expect(demo.stdout()).toContain(`elsewhere add --server ${base}`);
    // The newcomer's second terminal: no flags, no keelson.yaml.
    const listed = await keelson(['get', 'releases'], folder.dir);
    expect(listed.code, listed.stderr).toBe(0);
    for (const name of ['aep-backend-prod', 'rastup-api-prod', 'web-prod']) expect(listed.stdout).toContain(name);
    const refused = await fetch(`${base}/api/v1/releases/rastup-api-prod/abort`, { method: 'POST', headers: { authorization: 'Bearer not-the-token' } });
    expect(refused.status).toBe(403);
    const accepted = await fetch(`${base}/api/v1/releases/rastup-api-prod/abort`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(accepted.status).toBe(202);
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.stdout()).not.toContain('Press Ctrl-C');
    // Ended: its address is gone, and the folder has nothing to show.
    expect(existsSync(join(folder.dir, '.keelson', 'demo-server.json'))).toBe(false);
    expect((await keelson(['get', 'releases'], folder.dir)).stdout).toContain('No releases.');
    await folder.remove();
  }, 60_000);

  it('ignores the address a demo that died left behind', async () => {
    const folder = await tempFolder();
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(folder.dir, '.keelson'));
    // A process id no process has: the demo that wrote it is gone.
    await writeFile(join(folder.dir, '.keelson', 'demo-server.json'), JSON.stringify({ url: 'http://127.0.0.1:9', token: 't', pid: 2 ** 22 + 1 }));
    const listed = await keelson(['get', 'releases'], folder.dir);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('No releases.');
    await folder.remove();
  });
});
