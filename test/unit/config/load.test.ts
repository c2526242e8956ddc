import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/config.js';
import { ConfigError, parseConfig } from '../../../src/config/load.js';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const fixture = (name: string): string => read(`../../fixtures/config/${name}`);

function problemsOf(text: string, env: Record<string, string | undefined> = {}): string[] {
  try {
    parseConfig(text, 'keelson.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('keelson.yaml', () => {
  it('gives the embedded defaults for an empty file', () => {
    expect(parseConfig('', 'keelson.yaml', {})).toEqual({ ...defaultConfig(), file: 'keelson.yaml' });
    expect(defaultConfig()).toMatchObject({
      sources: [{ kind: 'dir', path: 'releases' }],
      state: { kind: 'dir', path: '.keelson' },
      cloud: { provider: 'sim' },
      leaderElection: { lease: 'keelson-controller', durationMs: 15_000, renewEveryMs: 5_000 },
    });
  });

  it('refuses a Git URL with a password, in either form of source, naming where and not what', () => {
    const listed = 'sources:\n  - git:\n      url: https://bot:hunter2-pass@github.com/acme/deploy.git\n';
    expect(problemsOf(listed)).toEqual(['keelson.yaml:3:12 sources[0].git.url: carries a password; give it as token (token: {env: NAME} or {file: PATH}), never in the URL']);
    const chosen = 'source:\n  kind: git\n  git: {url: "${GIT_URL}"}\n';
    const [problem] = problemsOf(chosen, { GIT_URL: 'https://bot:hunter2-pass@github.com/acme/deploy.git' });
    expect(problem).toMatch(/^keelson\.yaml:3:\d+ source\.git\.url: carries a password/);
    expect(problem).not.toContain('hunter2');
    // A user name alone, or an SSH URL, carries no secret.
    expect(parseConfig('sources: [{git: {url: "https://bot@github.com/acme/deploy.git"}}, {git: {url: "ssh://git@github.com:22/acme/x.git"}}]\n', 'keelson.yaml', {}).sources).toHaveLength(2);
  });

  it('reads the speed of a simulated world, and refuses it for the real AWS', () => {
    expect(parseConfig('cloud: {provider: sim, world: world.yaml, speed: 60}\n', 'keelson.yaml', {}).cloud).toEqual({ provider: 'sim', world: 'world.yaml', speed: 60 });
    expect(problemsOf('cloud: {provider: aws, speed: 60}\n')).toEqual(['keelson.yaml:1:31 cloud.speed: is only for provider sim: AWS runs on the wall clock']);
    expect(problemsOf('cloud: {provider: sim, speed: 0}\n')[0]).toMatch(/^keelson\.yaml:1:\d+ cloud\.speed: /);
  });

  it('reads the hosts health probes may reach, none listed by default', () => {
    expect(defaultConfig().probes).toEqual({ allowHosts: [] });
    expect(parseConfig('probes: {allowHosts: ["*.example.com", 10.0.0.0/8, 169.254.170.2]}\n', 'keelson.yaml', {}).probes).toEqual({ allowHosts: ['*.example.com', '10.0.0.0/8', '169.254.170.2'] });
  });

  it('listens on loopback unless the file names a host, and caps open connections', () => {
    expect(defaultConfig().http).toMatchObject({ host: '127.0.0.1', maxConnections: 512 });
    const config = parseConfig('http: {host: 0.0.0.0, maxConnections: 64}\n', 'keelson.yaml', {});
    expect(config.http).toMatchObject({ host: '0.0.0.0', maxConnections: 64 });
    expect(problemsOf('http: {maxConnections: 0}\n')).toEqual([expect.stringMatching(/http\.maxConnections: must be >= 1$/)]);
  });

  it('reads the commented example of docs/configuration.md', () => {
    const doc = read('../../../docs/configuration.md');
    const example = /```yaml\n(# keelson\.yaml[\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const config = parseConfig(example!, 'docs/configuration.md', { GITHUB_TOKEN: 'ghp_x', KEELSON_API_TOKEN: 'api' });
    expect(config.sources.map((s) => s.kind)).toEqual(['git', 'dynamodb', 'dir']);
    expect(config.sources[0]).toMatchObject({ kind: 'git', branch: 'main', path: 'releases', pollIntervalMs: 30_000, token: { env: 'GITHUB_TOKEN' } });
    expect(config.state).toEqual({ kind: 'dynamodb', table: 'keelson-state' });
    const { auth, ...http } = config.http;
    expect(http).toEqual({ port: 8080, host: '0.0.0.0', maxConnections: 512, apiToken: { value: 'api' }, readsRequireToken: true });
    expect(auth?.tokens).toEqual([
      { name: 'ci-deployer', token: { env: 'CI_DEPLOYER_TOKEN' }, roles: ['operator'], scope: { sources: ['git:https://github.com/acme/deploy.git#main:releases'], labelSelector: 'team=aep' } },
    ]);
    expect(auth?.oidc).toMatchObject({ issuer: 'https://login.example.com', audience: 'keelson', nameClaim: 'email', groupsClaim: 'groups', clockToleranceMs: 30_000 });
    expect(config.leaderElection).toEqual({ lease: 'keelson-controller', durationMs: 15_000, renewEveryMs: 5_000 });
  });

  it('reads the deployment file with its environment, the source chosen by kind', () => {
    const env = { KEELSON_SOURCE_KIND: 'git', KEELSON_GIT_URL: 'https://github.com/acme/deploy.git', KEELSON_STATE_TABLE: 'keelson-state', KEELSON_API_TOKEN: 't0k', AWS_REGION: 'eu-west-1' };
    const config = parseConfig(fixture('deploy.yaml'), 'deploy.yaml', env);
    expect(config.sources).toEqual([{ kind: 'git', url: 'https://github.com/acme/deploy.git', branch: 'main', path: 'releases', pollIntervalMs: 60_000 }]);
    expect(config.state).toEqual({ kind: 'dynamodb', table: 'keelson-state' });
    expect(config.cloud).toEqual({ provider: 'aws', region: 'eu-west-1' });
    expect(config.leaderElection).toEqual({ lease: 'keelson-controller', durationMs: 30_000, renewEveryMs: 10_000 });
    expect(config.http.apiToken).toEqual({ value: 't0k' });
    expect(config.http).toMatchObject({ host: '0.0.0.0', maxConnections: 512 });
    expect(config.resyncMs).toBe(300_000);
    expect(config.notifications.targets?.[0]).toMatchObject({ name: 'deploys', format: 'slack', url: '' });

    const dynamo = parseConfig(fixture('deploy.yaml'), 'deploy.yaml', { ...env, KEELSON_SOURCE_KIND: '', KEELSON_RELEASES_TABLE: 'keelson-releases' });
    expect(dynamo.sources).toEqual([{ kind: 'dynamodb', table: 'keelson-releases', pollIntervalMs: 5_000 }]);
  });

  it('refuses the deployment file without an API token rather than running open', () => {
    const env = { KEELSON_RELEASES_TABLE: 'r-table', KEELSON_STATE_TABLE: 's-table' };
    expect(problemsOf(fixture('deploy.yaml'), env)).toEqual([expect.stringMatching(/^keelson\.yaml:\d+:\d+ http\.apiToken: must be a string, \{env: NAME\} or \{file: PATH\}$/)]);
  });

  it('takes the Git webhook secret from the image\'s deployment file when the stack gives one, and has no webhook otherwise', () => {
    const env = { KEELSON_SOURCE_KIND: 'git', KEELSON_GIT_URL: 'https://github.com/acme/deploy.git', KEELSON_STATE_TABLE: 'keelson-state', KEELSON_API_TOKEN: 't0k' };
    const deployFile = read('../../../manifests/deploy/keelson.yaml');
    const withSecret = parseConfig(deployFile, 'keelson.yaml', { ...env, KEELSON_GIT_WEBHOOK_SECRET: 'hook-s3cret' });
    expect(withSecret.sources[0]).toMatchObject({ kind: 'git', webhookSecret: { value: 'hook-s3cret' } });
    const without = parseConfig(deployFile, 'keelson.yaml', env);
    expect(without.sources[0]).not.toHaveProperty('webhookSecret');
    // Written out, empty and null mean the same: no webhook.
    for (const empty of ["''", '~']) {
      expect(parseConfig(`sources: [{git: {url: https://github.com/a/b.git, webhookSecret: ${empty}}}]\n`, 'keelson.yaml', {}).sources[0]).not.toHaveProperty('webhookSecret');
    }
  });

  it('keeps idle connections open for http.keepAlive: the deployment file outlasts the load balancer\'s 60 s', () => {
    expect(defaultConfig().http.keepAliveMs).toBeUndefined();
    expect(parseConfig('http: {keepAlive: 65s}\n', 'keelson.yaml', {}).http.keepAliveMs).toBe(65_000);
    expect(problemsOf('http: {keepAlive: 65}\n')).toEqual([expect.stringMatching(/http\.keepAlive: /)]);
    const env = { KEELSON_RELEASES_TABLE: 'keelson-releases', KEELSON_STATE_TABLE: 'keelson-state', KEELSON_API_TOKEN: 't0k' };
    expect(parseConfig(read('../../../manifests/deploy/keelson.yaml'), 'keelson.yaml', env).http.keepAliveMs).toBeGreaterThan(60_000);
  });

  it('reports each bad field with its file, line and path', () => {
    expect(problemsOf(fixture('bad-fields.yaml'))).toEqual([
      'keelson.yaml:5:7 sources[0].git.pollIntervall: is not a known field',
      'keelson.yaml:7:7 sources[1].dynamodb.table: is required',
      'keelson.yaml:7:21 sources[1].dynamodb.pollInterval: must be a duration such as 30s, 5m or 1h30m',
      'keelson.yaml:9:3 state: must have exactly one of dir, dynamodb',
      'keelson.yaml:12:13 cloud.provider: must be one of aws, sim',
      'keelson.yaml:14:9 http.port: must be <= 65535',
    ]);
  });

  it('reports YAML syntax errors and checks that go beyond the schema', () => {
    expect(problemsOf('sources:\n  - dir: {path: x\nstate: {}\n')[0]).toMatch(/^keelson\.yaml:\d+:\d+: /);
    expect(problemsOf('leaderElection:\n  duration: 10s\n  renewEvery: 10s\n')).toEqual([
      'keelson.yaml:3:15 leaderElection.renewEvery: must be shorter than leaderElection.duration',
    ]);
    expect(problemsOf('sources: [{dir: {path: a}}]\nsource: {kind: dir, dir: {path: b}}\n')).toEqual([
      'keelson.yaml:1:1: use either source or sources, not both',
    ]);
    expect(problemsOf('source: {kind: git, dynamodb: {table: t}}\n')).toEqual(['keelson.yaml:1:9 source.git: is required']);
  });

  it('expands ${NAME} and ${NAME:-default} inside values, typed as the expansion reads unless quoted', () => {
    const text = 'http:\n  port: ${PORT:-9090}\n  apiToken: "${TOKEN}"\nconcurrency: ${WORKERS}\nsources:\n  - dir: {path: "${HOME_DIR:-/srv}/releases"}\n';
    const config = parseConfig(text, 'k.yaml', { WORKERS: '4', TOKEN: '12345' });
    expect(config.http.port).toBe(9090);
    expect(config.http.apiToken).toEqual({ value: '12345' });
    expect(config.concurrency).toBe(4);
    expect(config.sources[0]).toMatchObject({ path: '/srv/releases' });
    // A value cannot inject YAML structure.
    const injected = parseConfig('sources:\n  - dir:\n      path: ${P}\n', 'k.yaml', { P: 'a, b: c\nstate: {}' });
    expect(injected.sources[0]).toMatchObject({ path: 'a, b: c\nstate: {}' });
    expect(injected.state).toEqual(defaultConfig().state);
  });
});
