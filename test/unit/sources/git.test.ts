import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { GitSource, type GitSourceOptions } from '../../../src/sources/git.js';
import { SourceUnavailableError } from '../../../src/sources/source.js';
import { runTimersUntil } from '../../helpers/clock.js';
import { TestRepo } from '../../helpers/git-repo.js';
import { serveGitOverHttp } from '../../helpers/git-http-server.js';
import { releaseYaml, snapshotSummary } from '../../helpers/releases.js';

let root: string;
let repo: TestRepo;
let clock: VirtualClock;
const sources: GitSource[] = [];

function source(options: Partial<GitSourceOptions> = {}): GitSource {
  const s = new GitSource({ url: repo.remote, cacheDir: join(root, 'cache'), clock, env: repo.env, ...options });
  sources.push(s);
  return s;
}


beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-git-'));
  repo = await TestRepo.create(join(root, 'repos'));
  clock = new VirtualClock(0);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

describe('GitSource', () => {
  it('reads the branch at its commit, with the Flux revision and the commit author and subject', async () => {
    const sha = await repo.commit({ 'releases/web.yaml': releaseYaml('web'), 'README.md': '# deploy' }, 'Add web', 'Grace Hopper <grace@example.com>');
    await repo.push();
    const snap = await source({ path: 'releases' }).snapshot();
    expect(snap.revision).toBe(`main@sha1:${sha}`);
    expect(snapshotSummary(snap)).toEqual(['web:1:web:1']);
    expect(snap.releases[0]!.sourceRevision).toBe(`main@sha1:${sha}`);
    expect(snap.releases[0]!.location).toEqual({ file: 'releases/web.yaml', line: 1 });
    expect(snap.details).toMatchObject({ commit: sha, author: 'Grace Hopper', authorEmail: 'grace@example.com', subject: 'Add web' });
    // Fetched shallow: the cache holds the tip only.
    expect(await repo.git(join(root, 'cache/repo.git'), 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('picks up a new commit at the next poll on the clock and tells the watcher', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web'), 'api.yaml': releaseYaml('api') }, 'first');
    await repo.push();
    const s = source({ pollIntervalMs: 30_000 });
    let changes = 0;
    s.watch(() => changes++);
    expect(snapshotSummary(await s.snapshot())).toEqual(['api:1:api:1', 'web:1:web:1']);

    const sha = await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:2' }) }, 'Bump web to 2', 'Linus <l@example.com>');
    await repo.push();
    expect(snapshotSummary(await s.snapshot())).toEqual(['api:1:api:1', 'web:1:web:1']); // not before the poll
    await runTimersUntil(clock, () => changes > 0);
    expect(clock.now()).toBe(30_000);
    const snap = await s.snapshot();
    expect(snapshotSummary(snap)).toEqual(['api:1:api:1', 'web:2:web:2']);
    expect(snap.details).toMatchObject({ commit: sha, author: 'Linus', subject: 'Bump web to 2' });

    // A poll that finds the same commit says nothing.
    await runTimersUntil(clock, () => clock.now() >= 90_000);
    expect(changes).toBe(1);
  });

  it('follows the configured branch only', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'on main');
    await repo.push('main');
    await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:9' }) }, 'on staging');
    await repo.push('staging');
    expect(snapshotSummary(await source({ branch: 'staging', cacheDir: join(root, 'c1') }).snapshot())).toEqual(['web:1:web:9']);
    expect(snapshotSummary(await source({ branch: 'main', cacheDir: join(root, 'c2') }).snapshot())).toEqual(['web:1:web:1']);
  });

  it('selects files by glob', async () => {
    await repo.commit(
      { 'apps/web/release.yaml': releaseYaml('web'), 'apps/web/values.yaml': 'x: 1\n', 'apps/api/release.yaml': releaseYaml('api') },
      'apps',
    );
    await repo.push();
    expect(snapshotSummary(await source({ path: 'apps/*/release.yaml' }).snapshot())).toEqual(['api:1:api:1', 'web:1:web:1']);
  });

  it('takes a force-push that rewrote history as the new state', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'one');
    await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:2' }) }, 'two');
    await repo.push();
    const s = source();
    expect(snapshotSummary(await s.snapshot())).toEqual(['web:1:web:2']);
    await repo.git(repo.work, 'reset', '--quiet', '--hard', 'HEAD~1');
    const rewritten = await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:3' }) }, 'rewritten');
    await repo.push('main', true);
    const snap = await s.snapshot();
    expect(snap.revision).toBe(`main@sha1:${rewritten}`);
    expect(snapshotSummary(snap)).toEqual(['web:2:web:3']);
  });

  it('drops the Release of a file deleted from the branch', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web'), 'api.yaml': releaseYaml('api') }, 'both');
    await repo.push();
    const s = source();
    expect(snapshotSummary(await s.snapshot())).toEqual(['api:1:api:1', 'web:1:web:1']);
    await repo.commit({ 'api.yaml': null }, 'remove api');
    await repo.push();
    expect(snapshotSummary(await s.snapshot())).toEqual(['web:1:web:1']);
  });

  it('marks only the Release with a corrupt manifest invalid', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web'), 'api.yaml': `${releaseYaml('api')}  replicas: [2\n` }, 'broken api');
    await repo.push();
    const snap = await source().snapshot();
    expect(snapshotSummary(snap)).toEqual(['api:1:invalid', 'web:1:web:1']);
    expect(snap.releases[0]!.problems![0]).toMatchObject({ file: 'api.yaml', code: 'yaml' });
  });

  it('is unavailable while the remote cannot be reached, retries with backoff, and recovers', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'first');
    await repo.push();
    const s = source({ pollIntervalMs: 30_000, backoffInitialMs: 1_000 });
    let changes = 0;
    s.watch(() => changes++);
    const last = await s.snapshot();

    await rename(repo.remote, `${repo.remote}.away`);
    await runTimersUntil(clock, () => changes > 0);
    await expect(s.snapshot()).rejects.toBeInstanceOf(SourceUnavailableError);
    expect(snapshotSummary(last)).toEqual(['web:1:web:1']); // what the caller keeps serving
    // Retries at 1s, 2s, 4s after the failure, not at the poll interval.
    const failedAt = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const from = clock.now();
      await runTimersUntil(clock, () => clock.now() > from);
      times.push(clock.now() - failedAt);
    }
    expect(times).toEqual([1_000, 3_000, 7_000]);

    await rename(`${repo.remote}.away`, repo.remote);
    await runTimersUntil(clock, () => changes > 1);
    expect(snapshotSummary(await s.snapshot())).toEqual(['web:1:web:1']);
  });

  it('is unavailable when the branch is gone', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'first');
    await repo.push('feature');
    await repo.push('main');
    const s = source({ branch: 'feature' });
    expect(snapshotSummary(await s.snapshot())).toEqual(['web:1:web:1']);
    await repo.git(repo.work, 'push', '--quiet', 'origin', ':refs/heads/feature');
    await expect(s.snapshot()).rejects.toThrow(/branch feature not found/);
  });

  it('keeps generations across a restart in its cache folder', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'one');
    await repo.push();
    expect(snapshotSummary(await source().snapshot())).toEqual(['web:1:web:1']);
    await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:2' }) }, 'two');
    await repo.push();
    expect(snapshotSummary(await source().snapshot())).toEqual(['web:2:web:2']);
    expect(snapshotSummary(await source().snapshot())).toEqual(['web:2:web:2']);
  });

  it('never shows credentials in its description or errors', async () => {
    const s = source({ url: 'https://deploy:s3cr3t-token@127.0.0.1:1/acme/deploy.git', auth: { kind: 'token', token: 's3cr3t-token' } });
    expect(s.description).toBe('git:https://***@127.0.0.1:1/acme/deploy.git#main');
    const err = (await s.snapshot().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.message).not.toContain('s3cr3t-token');
  });
});

describe('GitSource over HTTP with a token', () => {
  it('authenticates through GIT_ASKPASS, with the token in no URL, and fails cleanly with a wrong one', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'first');
    await repo.push();
    const server = await serveGitOverHttp(repo.root, 'deploy-bot', 'ghp_right-token', repo.env);
    try {
      const url = `${server.url}/remote.git`;
      const good = source({ url, cacheDir: join(root, 'c-good'), auth: { kind: 'token', token: 'ghp_right-token', username: 'deploy-bot' } });
      expect((await good.snapshot()).releases.map((r) => r.name)).toEqual(['web']);
      expect(server.requests.some((r) => r.authorized)).toBe(true);
      expect(server.requests.every((r) => !r.url.includes('ghp_'))).toBe(true);

      const bad = source({ url, cacheDir: join(root, 'c-bad'), auth: { kind: 'token', token: 'ghp_wrong-token', username: 'deploy-bot' } });
      const err = (await bad.snapshot().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(SourceUnavailableError);
      expect(err.message).toMatch(/Authentication failed|401/);
      expect(err.message).not.toContain('ghp_wrong-token');
    } finally {
      await server.close();
    }
  });
});

/** A git that writes each command's arguments and configuration variables to a log, then runs the real one. */
async function recordingGit(dir: string): Promise<{ binary: string; calls: () => Promise<{ args: string[]; env: string[] }[]> }> {
  const log = join(dir, 'git-calls.log');
  const binary = join(dir, 'git-recorder.sh');
  await writeFile(
    binary,
    `#!/bin/sh\n{ printf 'ARGS'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\nENV\\tNOSYSTEM=%s\\tGLOBAL=%s\\n' "$GIT_CONFIG_NOSYSTEM" "$GIT_CONFIG_GLOBAL"; } >> '${log}'\nexec git "$@"\n`,
  );
  await chmod(binary, 0o755);
  return {
    binary,
    calls: async () => {
      if (!existsSync(log)) return [];
      const lines = (await readFile(log, 'utf8')).trim().split('\n');
      const calls: { args: string[]; env: string[] }[] = [];
      for (let i = 0; i + 1 < lines.length; i += 2) calls.push({ args: lines[i]!.split('\t').slice(1), env: lines[i + 1]!.split('\t').slice(1) });
      return calls;
    },
  };
}

describe('GitSource cache and credentials', () => {
  it('fetches the configured URL whatever configuration a cache repository was left with', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'real');
    await repo.push();
    const decoy = await TestRepo.create(join(root, 'decoy'));
    await decoy.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:666' }) }, 'planted');
    await decoy.push();
    // A cache that passes every ownership check, with a config keelson did not write.
    const cacheDir = join(root, 'planted-cache');
    await mkdir(cacheDir, { mode: 0o700 });
    await repo.git(root, 'init', '--quiet', '--bare', join(cacheDir, 'repo.git'));
    await writeFile(join(cacheDir, 'repo.git', 'config'), `[core]\n\tbare = true\n[url "${decoy.remote}"]\n\tinsteadOf = ${repo.remote}\n`);

    expect(snapshotSummary(await source({ cacheDir }).snapshot())).toEqual(['web:1:web:1']);
    expect(await readFile(join(cacheDir, 'repo.git', 'config'), 'utf8')).not.toContain('insteadOf');
  });

  it('refuses a cache folder that is open to others, owned by someone else or under a folder others may write, before running git', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'first');
    await repo.push();
    const git = await recordingGit(root);
    const refusal = async (options: Partial<GitSourceOptions>): Promise<string> => {
      const err = (await source({ gitBinary: git.binary, ...options }).snapshot().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(SourceUnavailableError);
      return err.message;
    };

    const open = join(root, 'open-cache');
    await mkdir(open);
    await chmod(open, 0o755);
    expect(await refusal({ cacheDir: open })).toMatch(/open-cache: its mode is 0755, open to other users; it must be 0700/);

    const theirs = join(root, 'their-cache');
    await mkdir(theirs, { mode: 0o700 });
    const uid = (process.getuid?.() ?? 0) + 1;
    expect(await refusal({ cacheDir: theirs, cacheOwnerUid: uid })).toContain(`belongs to uid ${(process.getuid?.() ?? 0)}, not to uid ${uid}`);

    const shared = join(root, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    expect(await refusal({ cacheDir: join(shared, 'cache') })).toMatch(/parent .*shared \(mode 0777\) is writable by other users/);

    expect(await git.calls()).toEqual([]);
    expect(existsSync(join(open, 'repo.git'))).toBe(false);

    // A fresh folder is created private and used.
    const fresh = join(root, 'fresh-cache');
    expect(snapshotSummary(await source({ cacheDir: fresh }).snapshot())).toEqual(['web:1:web:1']);
    expect((await import('node:fs/promises').then((fs) => fs.stat(fresh))).mode & 0o777).toBe(0o700);
  });

  it('runs git without system or user configuration, and never with a credential in its arguments', async () => {
    await repo.commit({ 'web.yaml': releaseYaml('web') }, 'first');
    await repo.push();
    const server = await serveGitOverHttp(repo.root, 'deploy-bot', 'ghp_argv-token', repo.env);
    try {
      const git = await recordingGit(root);
      const s = source({ url: `${server.url}/remote.git`, gitBinary: git.binary, auth: { kind: 'token', token: 'ghp_argv-token', username: 'deploy-bot' } });
      expect((await s.snapshot()).releases.map((r) => r.name)).toEqual(['web']);
      const calls = await git.calls();
      expect(calls.some((c) => c.args.includes('fetch'))).toBe(true);
      for (const call of calls) {
        expect(call.args.join(' ')).not.toContain('ghp_argv-token');
        expect(call.env).toEqual(['NOSYSTEM=1', 'GLOBAL=/dev/null']);
        expect(call.args).toEqual(expect.arrayContaining(['credential.helper=', 'core.hooksPath=/dev/null']));
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a URL with a password before any git process sees it', async () => {
    const git = await recordingGit(root);
    const s = source({ url: 'http://deploy-bot:pw-in-the-url@127.0.0.1:1/acme/deploy.git', gitBinary: git.binary });
    const err = (await s.snapshot().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.message).toContain('the URL carries a password');
    expect(err.message).not.toContain('pw-in-the-url');
    expect(await git.calls()).toEqual([]);
  });
});
