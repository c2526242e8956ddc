// `KEELSON_API_TOKEN=… keelson run` with no keelson.yaml: the token is honoured as the identity
// api-token, the CLI's --server operations are recorded with it, and it never reaches the log.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirStateStore } from '../../src/store/dir-store.js';
import { keelson, start, folderWithAepRelease, stopRunning, type Running } from './support/keelson.js';

const TOKEN = 'env-token-5f3a9c';

describe('keelson run with KEELSON_API_TOKEN', () => {
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

  it('takes the token from the environment, records operations over --server as api-token, and logs no token', async () => {
    const args = ['run', '--source', `dir:${join(dir, 'releases')}`, '--state', `dir:${join(dir, 'state')}`, '--cloud', 'sim', '--port', '0', '--host', '127.0.0.1'];
    running = start(args, dir, { KEELSON_API_TOKEN: TOKEN });
    const started = JSON.parse(await running.line((l) => l.includes('"keelson running"'))) as { port: number };
    const server = `http://127.0.0.1:${started.port}`;

    const whoami = await fetch(`${server}/api/v1/whoami`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await whoami.json()).toEqual({ actor: 'api-token', via: 'token', roles: ['viewer', 'operator', 'approver'] });

    const promoted = await keelson(['promote', 'aep-backend-prod', '--server', server], dir, { KEELSON_API_TOKEN: TOKEN });
    expect(promoted.stderr).toBe('');
    expect(promoted.stdout).toContain('promote requested for aep-backend-prod by api-token (operation #1)');
    const ops = await new DirStateStore({ folder: join(dir, 'state') }).listOperations('aep-backend-prod', 0);
    expect(ops.map((o) => [o.kind, o.requestedBy, o.requestedVia])).toEqual([['promote', 'api-token', 'token']]);

    const wrong = await keelson(['abort', 'aep-backend-prod', '--server', server, '--token', 'not-it'], dir);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('not one this controller knows');
    const by = await keelson(['abort', 'aep-backend-prod', '--server', server, '--by', 'alice'], dir, { KEELSON_API_TOKEN: TOKEN });
    expect(by.code).toBe(2);
    expect(by.stderr).toContain('--by is no longer accepted');

    expect(running.stdout()).toContain('HTTP request refused: Forbidden');
    expect(running.stdout()).not.toContain(TOKEN);
  });
});
