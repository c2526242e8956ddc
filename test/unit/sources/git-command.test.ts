import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitRunner, credentialEnv, redact } from '../../../src/sources/git-command.js';

const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keelson-gitcmd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('git credentials', () => {
  it('answers git\'s HTTPS prompts through GIT_ASKPASS from the child\'s variables, with nothing secret on disk', async () => {
    const tokenFile = join(dir, 'token');
    await import('node:fs/promises').then((fs) => fs.writeFile(tokenFile, 'ghp_rotating-token\n'));
    await createGitRunner({ env: {}, helperDir: dir, auth: { kind: 'token', tokenFile, username: 'deploy-bot' } });
    const askpass = join(dir, 'askpass.sh');
    expect((await stat(askpass)).mode & 0o777).toBe(0o700);
    expect(await readFile(askpass, 'utf8')).not.toContain('ghp_');

    const { env } = await credentialEnv({ kind: 'token', tokenFile, username: 'deploy-bot' }, askpass);
    expect(env.GIT_ASKPASS).toBe(askpass);
    const ask = async (prompt: string): Promise<string> => (await run(askpass, [prompt], { env: { PATH: process.env.PATH, ...env } })).stdout;
    expect(await ask("Username for 'https://github.com': ")).toBe('deploy-bot\n');
    expect(await ask("Password for 'https://deploy-bot@github.com': ")).toBe('ghp_rotating-token\n');
  });

  it('gives git an SSH command with the key, IdentitiesOnly and accept-new host keys', async () => {
    const { env } = await credentialEnv({ kind: 'ssh', keyFile: "/keys/it's key", knownHostsFile: '/keys/known_hosts' }, '');
    expect(env.GIT_SSH_COMMAND).toBe(
      "ssh -i '/keys/it'\\''s key' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='/keys/known_hosts'",
    );
  });

  it('scrubs user:password@ from URLs and known secrets from messages', () => {
    expect(redact("fatal: unable to access 'https://bot:tok-123@github.com/a/b.git/'")).toBe("fatal: unable to access 'https://***@github.com/a/b.git/'");
    expect(redact('header had tok-123 in it', ['tok-123'])).toBe('header had *** in it');
    expect(redact('git@github.com:acme/deploy.git')).toBe('git@github.com:acme/deploy.git');
  });
});
