// A branch of a Git repository as a source. A shallow fetch (`--depth 1`) of the branch into a
// bare cache repository, forced, so a force-push that rewrote history is simply the new state;
// files are read from the commit's tree. Polls on the Clock; a webhook calls triggerFetch().
// A new commit whose parent is the commit read last is read through the diff of the two trees:
// only the files that changed are read and parsed again. Anything else (a force-push, several
// commits at once into the shallow cache, a restart) is read through the whole tree, where
// only the files whose blob id is not the one held are read and parsed.
import { access, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock } from '../runtime/clock.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { createGitRunner, GitCommandError, redact, type GitAuth, type GitRunner } from './git-command.js';
import { urlHasPassword } from './git-url.js';
import { diffTrees, listTree, readBlobs, readCommitObject, type CommitObject } from './git-tree.js';
import { GenerationLedger } from './generation-ledger.js';
import { ParsedFiles } from './parsed-files.js';
import { isGlob, selectManifestPaths } from './path-selection.js';
import { ensurePrivateDir } from './private-dir.js';
import { assembleReleases } from './snapshot.js';
import { SnapshotPoller } from './snapshot-poller.js';
import { SILENT_SOURCE_LOGGER, type SourceLogger } from './source-log.js';
import { SourceUnavailableError, type Source, type SourceSnapshot } from './source.js';

export type { GitAuth } from './git-command.js';

export const GIT_SOURCE_DEFAULTS = {
  branch: 'main',
  pollIntervalMs: 30_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 300_000,
} as const;

export interface GitSourceOptions {
  /** HTTPS or SSH URL, or a local path / file:// URL. */
  url: string;
  branch?: string;
  /** A folder or a glob inside the repository; the whole repository when empty. */
  path?: string;
  /** Where the cache repository, the askpass helper and the generation ledger live: a folder of keelson's own (0700). */
  cacheDir: string;
  /** The uid that must own cacheDir; default this process's. */
  cacheOwnerUid?: number;
  clock: Clock;
  /** The environment git runs with (PATH, HOME, proxies). */
  env: Record<string, string | undefined>;
  auth?: GitAuth;
  pollIntervalMs?: number;
  /** Retries after a failed fetch start here and double up to backoffMaxMs. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Defaults to `<cacheDir>/generations.json`. */
  ledgerFile?: string;
  gitBinary?: string;
  logger?: SourceLogger;
}

/** Counts since the source was made, for tests and logs. */
export interface GitSourceStats {
  /** Commits read through the whole tree. */
  fullReads: number;
  /** Commits read through the diff from the commit before. */
  diffReads: number;
  /** Files read and parsed: a file whose blob id did not change is not parsed again. */
  filesParsed: number;
}

const REPOSITORY_CONFIG = `[core]
	repositoryformatversion = 0
	filemode = true
	bare = true
`;

interface ParsedCommit {
  commit: CommitObject;
  snapshot: SourceSnapshot;
}

export class GitSource implements Source {
  readonly kind = 'git';
  readonly description: string;
  readonly branch: string;
  private readonly poller: SnapshotPoller;
  private readonly repoDir: string;
  private git: Promise<GitRunner> | undefined;
  private ledger: Promise<GenerationLedger> | undefined;
  private lastParsed: ParsedCommit | undefined;
  private readonly parsed = new ParsedFiles();
  /** The commit `parsed` holds the files of. */
  private parsedAt: string | undefined;
  private reading: Promise<unknown> = Promise.resolve();
  private readonly counts: GitSourceStats = { fullReads: 0, diffReads: 0, filesParsed: 0 };

  constructor(private readonly options: GitSourceOptions) {
    this.branch = options.branch ?? GIT_SOURCE_DEFAULTS.branch;
    this.description = `git:${redact(options.url)}#${this.branch}${options.path ? `:${options.path}` : ''}`;
    this.repoDir = join(resolve(options.cacheDir), 'repo.git');
    this.poller = new SnapshotPoller({
      clock: options.clock,
      intervalMs: options.pollIntervalMs ?? GIT_SOURCE_DEFAULTS.pollIntervalMs,
      backoff: {
        initialMs: options.backoffInitialMs ?? GIT_SOURCE_DEFAULTS.backoffInitialMs,
        maxMs: options.backoffMaxMs ?? GIT_SOURCE_DEFAULTS.backoffMaxMs,
      },
      read: () => this.fetchAndRead(),
    });
  }

  /** While watched, the latest fetched commit; otherwise fetches first. */
  snapshot(): Promise<SourceSnapshot> {
    return this.poller.current();
  }

  watch(onChange: () => void): () => void {
    return this.poller.watch(onChange);
  }

  /** Fetches at once (a webhook said the branch moved); resolves when the fetch is done. */
  triggerFetch(): Promise<void> {
    return this.poller.refresh();
  }

  close(): Promise<void> {
    return this.poller.close();
  }

  stats(): GitSourceStats {
    return { ...this.counts };
  }

  private async fetchAndRead(): Promise<SourceSnapshot> {
    try {
      // One read at a time: each builds on the files the one before parsed.
      const next = this.reading.then(() => this.readBranch());
      this.reading = next.catch(() => undefined);
      return await next;
    } catch (err) {
      if (err instanceof SourceUnavailableError) throw err;
      throw new SourceUnavailableError(`cannot read ${this.description}: ${(err as Error).message}`, err);
    }
  }

  private async readBranch(): Promise<SourceSnapshot> {
    const git = await this.runner();
    const commit = await this.fetch(git);
    const sha = commit.sha;
    if (this.lastParsed?.commit.sha === sha) return this.lastParsed.snapshot;
    const revision = `${this.branch}@sha1:${sha}`;
    await this.readFiles(git, commit, revision);
    const ledger = await this.openLedger();
    const releases = assembleReleases(this.parsed.candidates(revision), this.parsed.generations(ledger));
    await ledger.save();
    const snapshot: SourceSnapshot = {
      revision,
      releases,
      problems: [],
      details: {
        commit: sha,
        author: commit.author,
        authorEmail: commit.authorEmail,
        authoredAt: commit.authoredAt,
        subject: commit.subject,
      },
    };
    this.lastParsed = { commit, snapshot };
    return snapshot;
  }

  /** Brings `parsed` to the files of commit sha: through the diff when it follows the commit held, else in full. */
  private async readFiles(git: GitRunner, commit: CommitObject, revision: string): Promise<void> {
    const sha = commit.sha;
    const wanted = selectManifestPaths(this.options.path);
    const from = this.parsedAt;
    if (from !== undefined) {
      // The shallow cache holds no history, so more than one new commit cannot be told from a rewrite.
      const why = commit.parents.includes(from)
        ? undefined
        : 'the new commit is not a child of the last one read (a force-push, unrelated history, or several commits at once)';
      if (why === undefined) {
        const changes = await diffTrees(git, from, sha, this.diffFolder()).catch((err: unknown) => err as Error);
        if (!(changes instanceof Error)) {
          const kept: { path: string; blob: string }[] = [];
          const removed: string[] = [];
          for (const c of changes) {
            if (c.blob !== undefined && wanted(c.path)) kept.push({ path: c.path, blob: c.blob });
            else removed.push(c.path);
          }
          await this.parseBlobs(git, kept, revision, removed);
          this.counts.diffReads++;
          this.parsedAt = sha;
          return;
        }
        this.log().debug({ source: this.description, from, to: sha, err: changes.message }, 'cannot diff the two commits; reading every file');
      } else {
        this.log().debug({ source: this.description, from, to: sha, reason: why }, 'reading every file');
      }
    }
    // A file is held under its blob id, which names its content: only new blobs are parsed.
    const files = await listTree(git, sha, wanted);
    const listed = new Set(files.map((f) => f.path));
    const gone = this.parsed.paths().filter((path) => !listed.has(path));
    const changed = files.filter((f) => this.parsed.keyOf(f.path) !== f.blob);
    this.parsedAt = undefined;
    await this.parseBlobs(git, changed, revision, gone);
    this.counts.fullReads++;
    this.parsedAt = sha;
  }

  private async parseBlobs(git: GitRunner, files: { path: string; blob: string }[], revision: string, removed: string[]): Promise<void> {
    const blobs = await readBlobs(git, files.map((f) => f.blob));
    const texts = files.map((f) => {
      const text = blobs.get(f.blob);
      // Read as empty it would drop the file's Releases, and be held under its blob id for good.
      if (text === undefined) throw new SourceUnavailableError(`${this.description}: blob ${f.blob} of ${f.path} is missing from the cache`);
      return { file: f.path, text, sourceRevision: revision, key: f.blob };
    });
    // Removed first: a full read replaces everything that was held.
    await this.parsed.update(texts, removed);
    this.counts.filesParsed += texts.length;
  }

  /** The folder the diff is limited to; none for a glob (the selection filters instead). */
  private diffFolder(): string | undefined {
    const folder = (this.options.path ?? '').replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
    return folder === '' || folder === '.' || isGlob(folder) ? undefined : folder;
  }

  private log(): SourceLogger {
    return this.options.logger ?? SILENT_SOURCE_LOGGER;
  }

  /** Fetches the branch and returns its commit; every failure is the source being unavailable. */
  private async fetch(git: GitRunner): Promise<CommitObject> {
    const ref = `refs/keelson/${this.branch}`;
    try {
      await git.run(['fetch', '--quiet', '--no-tags', '--depth', '1', '--force', this.options.url, `+refs/heads/${this.branch}:${ref}`]);
      return await readCommitObject(git, ref);
    } catch (err) {
      const detail = err instanceof GitCommandError ? err.stderr || err.message : (err as Error).message;
      if (/couldn't find remote ref/i.test(detail)) {
        throw new SourceUnavailableError(`branch ${this.branch} not found in ${redact(this.options.url)}`, err);
      }
      throw new SourceUnavailableError(`cannot fetch ${this.description}: ${detail}`, err);
    }
  }

  private runner(): Promise<GitRunner> {
    this.git ??= this.prepare().catch((err: unknown) => {
      this.git = undefined;
      throw new SourceUnavailableError(`cannot prepare the git cache in ${this.options.cacheDir}: ${(err as Error).message}`, err);
    });
    return this.git;
  }

  private async prepare(): Promise<GitRunner> {
    if (urlHasPassword(this.options.url)) {
      throw new Error('the URL carries a password, which git would show in its process arguments; give it as the source token instead');
    }
    await ensurePrivateDir(this.options.cacheDir, this.options.cacheOwnerUid !== undefined ? { uid: this.options.cacheOwnerUid } : {});
    const git = await createGitRunner({
      env: this.options.env,
      helperDir: this.options.cacheDir,
      ...(this.options.auth ? { auth: this.options.auth } : {}),
      ...(this.options.gitBinary ? { binary: this.options.gitBinary } : {}),
    });
    const exists = await access(join(this.repoDir, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (!exists) await git.run(['init', '--quiet', '--bare', this.repoDir]);
    // git obeys a repository's config (url.insteadOf, core.sshCommand, core.fsmonitor…) and its
    // alternates: whatever the cache held, only what keelson writes here counts.
    await writeFileAtomic(join(this.repoDir, 'config'), REPOSITORY_CONFIG);
    await rm(join(this.repoDir, 'objects', 'info', 'alternates'), { force: true });
    return { run: (args, input) => git.run(['-C', this.repoDir, ...args], input) };
  }

  private openLedger(): Promise<GenerationLedger> {
    this.ledger ??= GenerationLedger.open(this.options.ledgerFile ?? join(this.options.cacheDir, 'generations.json'));
    return this.ledger;
  }
}
