import { mkdir, mkdtemp, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DirSource } from '../../../src/sources/dir.js';
import { advanceUntil } from '../../helpers/clock.js';
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
});
