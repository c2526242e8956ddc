import { mkdir, mkdtemp, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DirSource } from '../../../src/sources/dir.js';
import { statKey, statOf } from '../../../src/sources/file-stat.js';
import { folderChanges } from '../../../src/sources/folder-changes.js';
import { shortContentRevision } from '../../../src/sources/spec-hash.js';
import { advanceUntil, runTimersUntil } from '../../helpers/clock.js';
import { releaseYaml, snapshotSummary } from '../../helpers/releases.js';

let root: string;
let folder: string;
let clock: VirtualClock;
const sources: DirSource[] = [];
const FILES = 40;

const name = (i: number): string => `svc-${String(i).padStart(2, '0')}`;

/** A source that trusts stats at once: files written by the test are not "racy". */
function source(options: Partial<ConstructorParameters<typeof DirSource>[0]> = {}): DirSource {
  const s = new DirSource({ folder, clock, racyWindowMs: 0, pollIntervalMs: 0, ...options });
  sources.push(s);
  return s;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-dir-inc-'));
  folder = join(root, 'releases');
  await mkdir(folder);
  clock = new VirtualClock(0);
  for (let i = 0; i < FILES; i++) await writeFile(join(folder, `${name(i)}.yaml`), releaseYaml(name(i)));
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

describe('DirSource reads only what changed', () => {
  it('re-reads and re-parses only the one file changed among many, and reuses the others', async () => {
    const s = source();
    const first = await s.snapshot();
    expect(s.stats().filesParsed).toBe(FILES);
    expect(await s.snapshot()).toEqual(first);
    expect(s.stats().filesParsed).toBe(FILES);

    await writeFile(join(folder, 'svc-07.yaml'), releaseYaml('svc-07', { taskDefinition: 'svc-07:2' }));
    const second = await s.snapshot();
    expect(s.stats().filesParsed).toBe(FILES + 1);
    const untouched = (line: string): boolean => /^(svc-\d\d):1:\1:1$/.test(line);
    expect(snapshotSummary(second).filter((line) => !untouched(line))).toEqual(['svc-07:2:svc-07:2']);
    expect(second.revision).not.toBe(first.revision);
    // The reused Releases are the same objects: nothing re-parsed them.
    expect(second.releases.find((r) => r.name === 'svc-08')!.release).toBe(first.releases.find((r) => r.name === 'svc-08')!.release);
  });

  it('gives the same snapshot as a fresh source after edits, a rename, a delete and an invalid file', async () => {
    const ledgerFile = join(root, 'generations.json');
    const s = source({ ledgerFile });
    await s.snapshot();
    await writeFile(join(folder, 'svc-01.yaml'), releaseYaml('svc-01', { taskDefinition: 'svc-01:9' }));
    await rename(join(folder, 'svc-02.yaml'), join(folder, 'moved.yaml'));
    await unlink(join(folder, 'svc-03.yaml'));
    await writeFile(join(folder, 'svc-04.yaml'), `${releaseYaml('svc-04')}  replicas: [2\n`);
    const incremental = await s.snapshot();
    expect(s.stats().filesParsed).toBe(FILES + 3); // svc-01, moved.yaml, svc-04
    const fresh = await source({ ledgerFile }).snapshot();
    expect(incremental).toEqual(fresh);
    expect(incremental.releases.map((r) => r.name)).not.toContain('svc-03');
    expect(incremental.releases.find((r) => r.name === 'svc-02')!.location.file).toBe('moved.yaml');
    const invalid = incremental.releases.find((r) => r.name === 'svc-04')!;
    expect(invalid.release).toBeUndefined();
    expect(invalid.problems![0]).toMatchObject({ file: 'svc-04.yaml', code: 'yaml' });
  });

  it('sees a same-size rewrite whose mtime was set back (its ctime moved, and it was racy)', async () => {
    const s = source({ racyWindowMs: 60 * 60_000 });
    const when = new Date(Date.now() - 1_000);
    await utimes(join(folder, 'svc-05.yaml'), when, when);
    await s.snapshot();
    // Same size, same mtime: only the racy rule (or ctime) can tell.
    await writeFile(join(folder, 'svc-05.yaml'), releaseYaml('svc-05', { taskDefinition: 'svc-05:8' }));
    await utimes(join(folder, 'svc-05.yaml'), when, when);
    const snap = await s.snapshot();
    expect(snap.releases.find((r) => r.name === 'svc-05')!.release?.spec.revision.taskDefinition).toBe('svc-05:8');
  });

  it('while watched, re-reads only the file a file event named', async () => {
    const s = source({ debounceMs: 10 });
    let changes = 0;
    s.watch(() => changes++);
    await s.snapshot();
    const parsedBefore = s.stats().filesParsed;
    await writeFile(join(folder, 'svc-06.yaml'), releaseYaml('svc-06', { taskDefinition: 'svc-06:3' }));
    await advanceUntil(clock, 10, () => changes > 0);
    const snap = await s.snapshot();
    expect(snap.releases.find((r) => r.name === 'svc-06')!.release?.spec.revision.taskDefinition).toBe('svc-06:3');
    expect(s.stats().filesParsed - parsedBefore).toBe(1);
  });

  it('with file events off, the fallback poll sees a same-size rewrite whose mtime was restored', async () => {
    const file = join(folder, 'svc-07.yaml');
    // A whole millisecond, so that setting it back restores it exactly.
    const when = new Date(Math.floor(Date.now() / 1_000) * 1_000 - 60_000);
    await utimes(file, when, when);
    const s = source({ useFsWatch: false, pollIntervalMs: 5_000, debounceMs: 100 });
    let changes = 0;
    s.watch(() => changes++);
    await s.snapshot();
    await runTimersUntil(clock, () => clock.now() >= 10_000);
    expect(changes).toBe(0);
    const before = await stat(file);
    // The same size, as `cp -p` or an editor that keeps times would leave it.
    const edited = releaseYaml('svc-07', { taskDefinition: 'svc-07:9' });
    expect(Buffer.byteLength(edited)).toBe(before.size);
    await writeFile(file, edited);
    await utimes(file, when, when);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    await runTimersUntil(clock, () => changes > 0);
    expect(changes).toBe(1);
    const snap = await s.snapshot();
    expect(snap.releases.find((r) => r.name === 'svc-07')!.release?.spec.revision.taskDefinition).toBe('svc-07:9');
  });

  it('a periodic content check reads a file whose stat did not move and finds an edit no stat showed', async () => {
    const s = source({ contentCheckIntervalMs: 60_000 });
    await s.snapshot();
    await writeFile(join(folder, 'svc-08.yaml'), releaseYaml('svc-08', { taskDefinition: 'svc-08:4' }));
    // What a snapshot holds for svc-08 if its stat had not moved (a coarse tick, a network mount's clock).
    const statNow = statKey((await statOf(join(folder, 'svc-08.yaml')))!);
    const held = {
      keyOf: (f: string) => (f === 'svc-08.yaml' ? statNow : 'other'),
      revisionOf: () => shortContentRevision(releaseYaml('svc-08')),
      paths: () => ['svc-08.yaml'],
    };
    const options = { wallNow: Date.now() + 60_000, racyWindowMs: 0 };
    expect((await folderChanges(folder, ['svc-08.yaml'], held, new Set(), options)).changed).toEqual([]);
    expect((await folderChanges(folder, ['svc-08.yaml'], held, new Set(), { ...options, compareContent: true })).changed).toEqual([{ file: 'svc-08.yaml', key: statNow }]);
    const unchanged = { ...held, revisionOf: () => shortContentRevision(releaseYaml('svc-08', { taskDefinition: 'svc-08:4' })) };
    expect((await folderChanges(folder, ['svc-08.yaml'], unchanged, new Set(), { ...options, compareContent: true })).changed).toEqual([]);

    // The source checks content at most once per interval on its clock, parsing only what differs.
    await s.snapshot();
    expect(s.stats()).toMatchObject({ contentChecks: 0, filesParsed: FILES + 1 });
    await clock.advance(60_000);
    await s.snapshot();
    expect(s.stats()).toMatchObject({ contentChecks: 1, filesParsed: FILES + 1 });
    await s.snapshot();
    expect(s.stats()).toMatchObject({ contentChecks: 1 });
    expect(await readFile(join(folder, 'svc-08.yaml'), 'utf8')).toContain('svc-08:4');
  });
});
