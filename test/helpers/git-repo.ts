// Real Git repositories for tests: a bare "remote" and a working clone that commits and pushes.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class TestRepo {
  readonly remote: string;
  readonly work: string;

  private constructor(readonly root: string) {
    this.remote = join(root, 'remote.git');
    this.work = join(root, 'work');
  }

  /** The environment git runs with in tests: no user or system configuration. */
  get env(): Record<string, string | undefined> {
    return { PATH: process.env.PATH, HOME: this.root, GIT_CONFIG_NOSYSTEM: '1' };
  }

  static async create(root: string, branch = 'main'): Promise<TestRepo> {
    const repo = new TestRepo(root);
    await mkdir(root, { recursive: true });
    await repo.git(root, 'init', '--quiet', '--bare', `--initial-branch=${branch}`, repo.remote);
    await repo.git(root, 'init', '--quiet', `--initial-branch=${branch}`, repo.work);
    await repo.git(repo.work, 'remote', 'add', 'origin', repo.remote);
    return repo;
  }

  async git(cwd: string, ...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, { cwd, env: { ...this.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z' } });
    return stdout.trim();
  }

  /** Writes (or, with null, deletes) files, commits them as author, and returns the commit. */
  async commit(files: Record<string, string | null>, subject: string, author = 'Ada Lovelace <ada@example.com>'): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) await rm(full);
      else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    const [, name = 'x', email = 'x'] = /^(.*) <(.*)>$/.exec(author) ?? [];
    await this.git(this.work, 'add', '-A');
    await this.git(this.work, '-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '--quiet', '-m', subject);
    return this.git(this.work, 'rev-parse', 'HEAD');
  }

  async push(branch = 'main', force = false): Promise<void> {
    await this.git(this.work, 'push', '--quiet', ...(force ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`);
  }
}
