// Reading a big folder never holds the event loop for the whole parse: a timer set while the
// first file is parsed fires before the last file is parsed (lease renewal and health checks
// are timers too). Structural, not timed: it counts files parsed before the timer ran.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { releaseYaml } from '../../helpers/releases.js';
import type * as Load from '../../../src/api/load.js';

const watch = vi.hoisted(() => ({ parsed: 0, firedAfter: undefined as number | undefined }));

vi.mock('../../../src/api/load.js', async (importOriginal) => {
  const real = await importOriginal<typeof Load>();
  return {
    ...real,
    parseReleases: (text: string, file: string) => {
      if (watch.parsed === 0) setTimeout(() => (watch.firedAfter = watch.parsed), 0);
      const parsed = real.parseReleases(text, file);
      watch.parsed++;
      return parsed;
    },
  };
});

const { validatePaths } = await import('../../../src/api/validate-paths.js');
const { DirSource } = await import('../../../src/sources/dir.js');
const { VirtualClock } = await import('../../../src/runtime/clock.js');

const FILES = 40;
let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'keelson-yields-'));
  // 8 KiB each: the folder is larger than one turn's worth of parsing (64 KiB).
  const padding = '# padding for size\n'.repeat(440);
  await Promise.all(Array.from({ length: FILES }, (_, i) => writeFile(join(folder, `r${i}.yaml`), `${releaseYaml(`r${i}`)}${padding}`)));
  watch.parsed = 0;
  watch.firedAfter = undefined;
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('parsing a folder yields to the event loop between files', () => {
  it('keelson validate: a timer set during the first file fires before the last file is parsed', async () => {
    const result = await validatePaths([folder]);
    expect(result.releases).toHaveLength(FILES);
    expect(watch.parsed).toBe(FILES);
    expect(watch.firedAfter).toBeDefined();
    expect(watch.firedAfter).toBeLessThan(FILES);
  });

  it('the folder source: a timer set during the first file fires before the last file is parsed', async () => {
    const source = new DirSource({ folder, clock: new VirtualClock(0), useFsWatch: false, pollIntervalMs: 0 });
    const snapshot = await source.snapshot();
    await source.close();
    expect(snapshot.releases).toHaveLength(FILES);
    expect(watch.parsed).toBe(FILES);
    expect(watch.firedAfter).toBeLessThan(FILES);
  });
});
