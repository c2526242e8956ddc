import { mkdtemp, readdir, readFile, rm, mkdir, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Release } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { ApplyConflictError } from '../../../src/sources/apply-result.js';
import { applyToDirectory, DirSource } from '../../../src/sources/dir.js';
import { SourceUnavailableError } from '../../../src/sources/source.js';
import { advanceUntil, runTimersUntil, untilIo } from '../../helpers/clock.js';
import { fixture, releaseYaml } from '../../helpers/releases.js';

let root: string;
let folder: string;
let clock: VirtualClock;
const sources: DirSource[] = [];

function source(options: Partial<ConstructorParameters<typeof DirSource>[0]> = {}): DirSource {
  const s = new DirSource({ folder, clock, ...options });
  sources.push(s);
  return s;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-dir-'));
  folder = join(root, 'releases');
  await mkdir(folder);
  clock = new VirtualClock(0);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

describe('DirSource', () => {
  it('reads *.yaml and *.yml recursively, skipping hidden files and other extensions', async () => {
    await mkdir(join(folder, 'team/a'), { recursive: true });
    await writeFile(join(folder, 'web.yaml'), fixture('web.yaml'));
    await writeFile(join(folder, 'team/a/api.yml'), releaseYaml('api'));
    await writeFile(join(folder, 'notes.txt'), releaseYaml('ignored-txt'));
    await writeFile(join(folder, '.web.yaml.123.tmp'), releaseYaml('ignored-temp'));
    await mkdir(join(folder, '.git'));
    await writeFile(join(folder, '.git/x.yaml'), releaseYaml('ignored-git'));
    const snap = await source().snapshot();
    expect(snap.releases.map((r) => `${r.name}@${r.location.file}`)).toEqual(['api@team/a/api.yml', 'web@web.yaml']);
  });

  it('gives each Release the sha256 of its file as sourceRevision, and the folder a revision that follows content', async () => {
    await writeFile(join(folder, 'web.yaml'), fixture('web.yaml'));
    const s = source();
    const first = await s.snapshot();
    expect(first.releases[0]!.sourceRevision).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(await s.snapshot()).toEqual(first);
    await writeFile(join(folder, 'web.yaml'), `${fixture('web.yaml')}# touched\n`);
    const second = await s.snapshot();
    expect(second.releases[0]!.sourceRevision).not.toBe(first.releases[0]!.sourceRevision);
    expect(second.revision).not.toBe(first.revision);
    expect(second.releases[0]!.generation).toBe(first.releases[0]!.generation);
  });

  it('is unavailable, not empty, when the folder is missing', async () => {
    await rm(folder, { recursive: true });
    await expect(source().snapshot()).rejects.toBeInstanceOf(SourceUnavailableError);
  });

  it('keeps generations across a restart through its ledger file', async () => {
    const ledgerFile = join(root, 'state/generations.json');
    await writeFile(join(folder, 'web.yaml'), releaseYaml('web'));
    expect((await source({ ledgerFile }).snapshot()).releases[0]!.generation).toBe(1);
    await writeFile(join(folder, 'web.yaml'), releaseYaml('web', { taskDefinition: 'web:2' }));
    expect((await source({ ledgerFile }).snapshot()).releases[0]!.generation).toBe(2);
    // A new process: same spec, same generation; a change goes on from 2, not from 1.
    expect((await source({ ledgerFile }).snapshot()).releases[0]!.generation).toBe(2);
    await writeFile(join(folder, 'web.yaml'), releaseYaml('web', { taskDefinition: 'web:3' }));
    expect((await source({ ledgerFile }).snapshot()).releases[0]!.generation).toBe(3);
    const stored = JSON.parse(await readFile(ledgerFile, 'utf8')) as { releases: Record<string, { generation: number }> };
    expect(stored.releases.web?.generation).toBe(3);
    expect((await readdir(join(root, 'state'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('calls onChange once for a burst of file events seen by fs.watch', async () => {
    const s = source({ pollIntervalMs: 0, debounceMs: 50 });
    let changes = 0;
    s.watch(() => changes++);
    await writeFile(join(folder, 'web.yaml'), releaseYaml('web'));
    await writeFile(join(folder, 'web.yaml'), releaseYaml('web', { taskDefinition: 'web:2' }));
    // Let the events land in virtual time 0, then let the debounce window pass.
    await untilIo(() => clock.pendingTimers() > 0);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(changes).toBe(0);
    await clock.advance(50);
    expect(changes).toBe(1);
    expect((await s.snapshot()).releases[0]!.release?.spec.revision.taskDefinition).toBe('web:2');
  });

  it('sees changes in new subfolders through fs.watch', async () => {
    const s = source({ pollIntervalMs: 0, debounceMs: 10 });
    let changes = 0;
    s.watch(() => changes++);
    await mkdir(join(folder, 'team'));
    await advanceUntil(clock, 10, () => changes > 0);
    const before = changes;
    await writeFile(join(folder, 'team/api.yaml'), releaseYaml('api'));
    await advanceUntil(clock, 10, () => changes > before);
    expect((await s.snapshot()).releases.map((r) => r.name)).toEqual(['api']);
  });

  it('falls back to polling the folder on the clock when file events are not available', async () => {
    await writeFile(join(folder, 'web.yaml'), releaseYaml('web'));
    const s = source({ useFsWatch: false, pollIntervalMs: 5_000, debounceMs: 100 });
    let changes = 0;
    const stop = s.watch(() => changes++);
    await runTimersUntil(clock, () => clock.now() >= 10_000);
    expect(changes).toBe(0);
    const deletedAt = clock.now();
    await unlink(join(folder, 'web.yaml'));
    await runTimersUntil(clock, () => changes > 0);
    // Seen by the next poll, then the debounce.
    expect(clock.now()).toBeLessThanOrEqual(deletedAt + 5_000 + 100);
    stop();
    expect(clock.pendingTimers()).toBe(0);
    expect((await s.snapshot()).releases).toEqual([]);
  });
});

describe('applyToDirectory', () => {
  const release = (td: string): Release => parse(releaseYaml('web', { taskDefinition: td })) as Release;

  it('creates <name>.yaml, then reports unchanged and updated with the generation the source reports', async () => {
    const ledgerFile = join(root, 'gen.json');
    expect(await applyToDirectory(folder, release('web:1'), { ledgerFile })).toEqual({ result: 'created', generation: 1 });
    expect(await applyToDirectory(folder, release('web:1'), { ledgerFile })).toEqual({ result: 'unchanged', generation: 1 });
    expect(await applyToDirectory(folder, release('web:2'), { ledgerFile })).toEqual({ result: 'updated', generation: 2 });
    const snap = await source({ ledgerFile }).snapshot();
    expect(snap.releases.map((r) => [r.name, r.generation, r.release?.spec.revision.taskDefinition])).toEqual([['web', 2, 'web:2']]);
    expect(await readdir(folder)).toEqual(['web.yaml']);
  });

  it('refuses a stale expectedGeneration and a Release defined in another file', async () => {
    const ledgerFile = join(root, 'gen.json');
    await applyToDirectory(folder, release('web:1'), { ledgerFile });
    await applyToDirectory(folder, release('web:2'), { ledgerFile });
    const stale = applyToDirectory(folder, release('web:3'), { ledgerFile, expectedGeneration: 1 });
    await expect(stale).rejects.toMatchObject({ code: 'Conflict', currentGeneration: 2 });
    expect(await applyToDirectory(folder, release('web:3'), { ledgerFile, expectedGeneration: 2 })).toEqual({ result: 'updated', generation: 3 });

    await writeFile(join(folder, 'all.yaml'), releaseYaml('api'));
    const api = parse(releaseYaml('api', { taskDefinition: 'api:2' })) as Release;
    await expect(applyToDirectory(folder, api)).rejects.toBeInstanceOf(ApplyConflictError);
  });
});
