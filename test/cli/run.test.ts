// `keelson run` as a process: it starts on the simulated AWS with a folder source and a folder
// state, serves its API on the port it chose, and stops cleanly on SIGTERM.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirStateStore } from '../../src/store/dir-store.js';
import { keelson, start, folderWithAepRelease, stopRunning, type Running } from './support/keelson.js';

interface LogLine {
  msg: string;
  port?: number;
  sources?: string[];
  state?: string;
  cloud?: string;
  clean?: boolean;
}

const parseLog = (line: string): LogLine | undefined => {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
};

/** GETs `url` until `ok(body)` holds; the controller's first pass runs on its own time. */
async function poll(url: string, ok: (body: unknown) => boolean, limitMs = 5_000): Promise<unknown> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const body: unknown = await (await fetch(url)).json();
    if (ok(body) || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('keelson run (the binary)', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let running: Running | undefined;

  beforeEach(async () => {
    ({ dir, remove } = await folderWithAepRelease());
  });
  afterEach(async () => {
    await stopRunning(running);
    running = undefined;
    await remove();
  });

  it('serves /healthz and the Release API on the port it picked, reconciles into the state folder, and exits 0 on SIGTERM', async () => {
    const args = ['run', '--source', `dir:${join(dir, 'releases')}`, '--state', `dir:${join(dir, 'state')}`, '--cloud', 'sim', '--port', '0', '--host', '127.0.0.1'];
    running = start(args, dir);
    const started = parseLog(await running.line((l) => parseLog(l)?.msg === 'keelson running'))!;
    expect(started).toMatchObject({ sources: [`dir:${join(dir, 'releases')}`], state: `dir:${join(dir, 'state')}`, cloud: 'sim' });
    expect(started.port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${started.port}`;

    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toEqual({ status: 'ok' });

    type Listing = { releases: { name: string; phase: string; desiredRevision: string | null }[] };
    // Until the first pass, the API shows the Release it holds as Pending (not reconciled yet).
    const listing = (await poll(`${base}/api/v1/releases`, (b) => (b as Listing).releases.some((r) => r.phase !== 'Pending'))) as Listing;
    // The example's approval gate holds the rollout (and its migration) for two release managers.
    expect(listing.releases).toEqual([expect.objectContaining({ name: 'aep-backend-prod', phase: 'Paused', desiredRevision: 'aep-backend-prod:12' })]);
    expect((await new DirStateStore({ folder: join(dir, 'state') }).getStatus('aep-backend-prod'))?.desiredRevision).toBe('aep-backend-prod:12');

    running.child.kill('SIGTERM');
    const exit = await Promise.race([running.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000))]);
    expect(exit).toEqual({ code: 0, signal: null });
    const last = running.stdout().trimEnd().split('\n').map(parseLog).at(-1);
    expect(last).toMatchObject({ msg: 'shutdown complete', clean: true });
  });

  it('exits 2 on --speed with the real AWS, or a speed that is not a positive number', async () => {
    const common = ['--source', `dir:${join(dir, 'releases')}`, '--state', `dir:${join(dir, 'state')}`];
    const aws = await keelson(['run', ...common, '--cloud', 'aws', '--speed', '10'], dir);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toContain('--speed applies only to a simulated cloud (--cloud sim or sim:WORLD)');
    const zero = await keelson(['run', ...common, '--cloud', 'sim', '--speed', '0'], dir);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--speed must be a number above 0');
  });

  it('exits 2 on a --port that is not a port', async () => {
    const { code, stderr } = await keelson(['run', '--port', 'eighty', '--source', `dir:${join(dir, 'releases')}`, '--state', `dir:${join(dir, 'state')}`], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a number from 0 to 65535 (got eighty)');
  });
});
