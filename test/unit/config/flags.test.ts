import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type GitSourceConfig } from '../../../src/config/config.js';
import { applyFlags, FlagError, parseSourceFlag, parseStateFlag } from '../../../src/config/flags.js';
import { gitAuthFromConfig, resolveSecret } from '../../../src/config/secrets.js';

describe('--source and --state', () => {
  it('parses the three source forms, Git URLs with colons and all', () => {
    expect(parseSourceFlag('dir:./releases')).toEqual({ kind: 'dir', path: './releases', pollIntervalMs: 5_000 });
    expect(parseSourceFlag('dynamodb:keelson-releases')).toEqual({ kind: 'dynamodb', table: 'keelson-releases', pollIntervalMs: 2_000 });
    expect(parseSourceFlag('git:https://github.com/acme/deploy.git#prod:apps/*/release.yaml')).toMatchObject({
      kind: 'git',
      url: 'https://github.com/acme/deploy.git',
      branch: 'prod',
      path: 'apps/*/release.yaml',
    });
    expect(parseSourceFlag('git:git@github.com:acme/deploy.git#main:releases')).toMatchObject({ url: 'git@github.com:acme/deploy.git', branch: 'main', path: 'releases' });
    expect(parseSourceFlag('git:file:///srv/deploy.git')).toMatchObject({ url: 'file:///srv/deploy.git', branch: 'main', path: '' });
    expect(parseSourceFlag('git:/srv/deploy.git#release')).toMatchObject({ url: '/srv/deploy.git', branch: 'release', path: '' });
  });

  it('refuses unknown kinds, missing parts and passwords in URLs', () => {
    expect(() => parseSourceFlag('s3:bucket')).toThrow(FlagError);
    expect(() => parseSourceFlag('dir:')).toThrow(/needs a folder/);
    expect(() => parseSourceFlag('git:#main')).toThrow(/needs a repository URL/);
    const withPassword = (): unknown => parseSourceFlag('git:https://bot:ghp_secret@github.com/a/b.git#main');
    expect(withPassword).toThrow(/not in the URL/);
    expect(withPassword).not.toThrow(/ghp_secret/);
    expect(() => parseStateFlag('git:x')).toThrow(/--state/);
  });

  it('lays flags over the configuration: sources replaced, state and cloud overridden', () => {
    const config = applyFlags(defaultConfig(), {
      source: ['git:https://github.com/acme/deploy.git#main:releases', 'dynamodb:more'],
      state: 'dynamodb:keelson-state',
      cloud: 'sim:worlds/two-services.yaml',
      port: 0,
    });
    expect(config.sources.map((s) => s.kind)).toEqual(['git', 'dynamodb']);
    expect(config.state).toEqual({ kind: 'dynamodb', table: 'keelson-state' });
    expect(config.cloud).toEqual({ provider: 'sim', world: 'worlds/two-services.yaml' });
    expect(config.http.port).toBe(0);
    expect(applyFlags(config, { cloud: 'aws' }).cloud).toEqual({ provider: 'aws' });
    expect(applyFlags(defaultConfig(), {})).toEqual(defaultConfig());
  });
});

describe('secrets', () => {
  it('reads a secret from its value, the given environment or a file, and names what is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keelson-secret-'));
    try {
      await writeFile(join(dir, 'token'), '  s3cret\n');
      expect(await resolveSecret({ value: 'v' }, {})).toBe('v');
      expect(await resolveSecret({ env: 'TOKEN' }, { TOKEN: 'from-env' })).toBe('from-env');
      expect(await resolveSecret({ file: join(dir, 'token') }, {})).toBe('s3cret');
      await expect(resolveSecret({ env: 'TOKEN' }, {})).rejects.toThrow('environment variable TOKEN is not set');
      await expect(resolveSecret({ file: join(dir, 'none') }, {})).rejects.toMatchObject({ code: 'SecretUnavailable' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns a Git source\'s credentials into what the Git source takes', async () => {
    const git: GitSourceConfig = { kind: 'git', url: 'u', branch: 'main', path: '', pollIntervalMs: 1 };
    expect(await gitAuthFromConfig(git, {})).toBeUndefined();
    expect(await gitAuthFromConfig({ ...git, token: { env: 'T' }, username: 'oauth2' }, { T: 'tok' })).toEqual({ kind: 'token', token: 'tok', username: 'oauth2' });
    expect(await gitAuthFromConfig({ ...git, token: { file: '/run/t' } }, {})).toEqual({ kind: 'token', tokenFile: '/run/t' });
    expect(await gitAuthFromConfig({ ...git, sshKeyFile: '/k', knownHostsFile: '/kh' }, {})).toEqual({ kind: 'ssh', keyFile: '/k', knownHostsFile: '/kh' });
  });
});
