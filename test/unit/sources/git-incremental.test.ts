import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { GitSource, type GitSourceOptions } from '../../../src/sources/git.js';
import { TestRepo } from '../../helpers/git-repo.js';
import { releaseYaml, snapshotSummary } from '../../helpers/releases.js';

let root: string;
let repo: TestRepo;
let clock: VirtualClock;
const sources: GitSource[] = [];
const FILES = 30;
const name = (i: number): string => `svc-${String(i).padStart(2, '0')}`;

function source(options: Partial<GitSourceOptions> = {}): GitSource {
  const s = new GitSource({ url: repo.remote, path: 'releases', cacheDir: join(root, 'cache'), clock, env: repo.env, ...options });
  sources.push(s);
  return s;
}


beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-git-inc-'));
  repo = await TestRepo.create(join(root, 'repos'));
  clock = new VirtualClock(0);
  const files: Record<string, string> = { 'README.md': '# deploy\n' };
  for (let i = 0; i < FILES; i++) files[`releases/${name(i)}.yaml`] = releaseYaml(name(i));
  await repo.commit(files, 'all');
  await repo.push();
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

describe('GitSource reads only what a commit changed', () => {
  it('re-reads only the one file a new commit changed, through the diff from its parent', async () => {
    const s = source();
    await s.snapshot();
    expect(s.stats()).toEqual({ fullReads: 1, diffReads: 0, filesParsed: FILES });
    const sha = await repo.commit({ 'releases/svc-04.yaml': releaseYaml('svc-04', { taskDefinition: 'svc-04:2' }), 'README.md': '# changed\n' }, 'bump');
    await repo.push();
    const snap = await s.snapshot();
    expect(s.stats()).toEqual({ fullReads: 1, diffReads: 1, filesParsed: FILES + 1 });
    expect(snapshotSummary(snap)).toContain('svc-04:2:svc-04:2');
    expect(snapshotSummary(snap)).toContain('svc-05:1:svc-05:1');
    // Every Release carries the commit it was read at, changed or not.
    expect(new Set(snap.releases.map((r) => r.sourceRevision))).toEqual(new Set([`main@sha1:${sha}`]));
  });

  it('handles a rename, a delete, an invalid file and a file moved out of the path like a fresh read does', async () => {
    const s = source({ ledgerFile: join(root, 'gen.json') });
    await s.snapshot();
    await repo.commit(
      {
        'releases/svc-01.yaml': null,
        'releases/team/renamed.yaml': releaseYaml('svc-01'),
        'releases/svc-02.yaml': null,
        'releases/svc-03.yaml': `${releaseYaml('svc-03')}  replicas: [2\n`,
        'releases/svc-04.yaml': null,
        'elsewhere/svc-04.yaml': releaseYaml('svc-04'),
      },
      'shuffle',
    );
    await repo.push();
    const incremental = await s.snapshot();
    expect(s.stats()).toMatchObject({ fullReads: 1, diffReads: 1, filesParsed: FILES + 2 });
    const fresh = await source({ cacheDir: join(root, 'cache2'), ledgerFile: join(root, 'gen.json') }).snapshot();
    expect(incremental).toEqual(fresh);
    expect(incremental.releases.map((r) => r.name)).not.toContain('svc-02');
    expect(incremental.releases.map((r) => r.name)).not.toContain('svc-04');
    expect(incremental.releases.find((r) => r.name === 'svc-01')!.location.file).toBe('releases/team/renamed.yaml');
    expect(incremental.releases.find((r) => r.name === 'svc-03')!.problems![0]).toMatchObject({ file: 'releases/svc-03.yaml', code: 'yaml' });
  });

  it('reads the whole tree, and says why in a debug line, when the branch was force-pushed; parses only the changed blob', async () => {
    const debug: Record<string, unknown>[] = [];
    const s = source({ logger: { debug: (fields) => debug.push(fields), warn: () => undefined } });
    await repo.commit({ 'releases/svc-00.yaml': releaseYaml('svc-00', { taskDefinition: 'svc-00:2' }) }, 'two');
    await repo.push();
    await s.snapshot();
    await repo.git(repo.work, 'reset', '--quiet', '--hard', 'HEAD~1');
    await repo.commit({ 'releases/svc-00.yaml': releaseYaml('svc-00', { taskDefinition: 'svc-00:3' }) }, 'rewritten');
    await repo.push('main', true);
    const snap = await s.snapshot();
    expect(s.stats()).toEqual({ fullReads: 2, diffReads: 0, filesParsed: FILES + 1 });
    expect(snapshotSummary(snap)).toContain('svc-00:2:svc-00:3');
    expect(debug).toHaveLength(1);
    expect(debug[0]!.reason).toMatch(/not a child/);
  });

  it('parses only the blobs that changed when several commits arrive at once, and reads like a fresh source', async () => {
    const s = source({ ledgerFile: join(root, 'gen.json') });
    await s.snapshot();
    await repo.commit({ 'releases/svc-01.yaml': releaseYaml('svc-01', { taskDefinition: 'svc-01:2' }) }, 'one');
    await repo.commit({ 'releases/svc-02.yaml': null, 'releases/team/svc-02.yaml': releaseYaml('svc-02') }, 'moved');
    const sha = await repo.commit({ 'releases/svc-03.yaml': releaseYaml('svc-03', { taskDefinition: 'svc-03:2' }) }, 'three');
    await repo.push();
    const snap = await s.snapshot();
    // svc-01 and svc-03 changed, svc-02's blob is the same under a new path: parsed there.
    expect(s.stats()).toEqual({ fullReads: 2, diffReads: 0, filesParsed: FILES + 3 });
    const fresh = await source({ cacheDir: join(root, 'cache2'), ledgerFile: join(root, 'gen.json') }).snapshot();
    expect(snap).toEqual(fresh);
    expect(snap.releases.find((r) => r.name === 'svc-02')!.location.file).toBe('releases/team/svc-02.yaml');
    expect(new Set(snap.releases.map((r) => r.sourceRevision))).toEqual(new Set([`main@sha1:${sha}`]));
  });

  it('a full read of a tree already held (the same tree under an unrelated commit) parses nothing', async () => {
    const s = source();
    await s.snapshot();
    const tree = await repo.git(repo.work, 'rev-parse', 'HEAD^{tree}');
    // The same tree under a new, unrelated commit: read in full, every blob already held.
    const orphan = await repo.git(repo.work, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', 'commit-tree', tree, '-m', 'same tree');
    await repo.git(repo.work, 'reset', '--quiet', '--hard', orphan);
    await repo.push('main', true);
    const snap = await s.snapshot();
    expect(s.stats()).toEqual({ fullReads: 2, diffReads: 0, filesParsed: FILES });
    expect(snap.releases).toHaveLength(FILES);
  });
});
