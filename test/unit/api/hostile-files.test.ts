// What a manifest path names is not trusted: only regular files inside the source are read, and
// nothing of a refused file is echoed.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePaths } from '../../../src/api/validate-paths.js';
import { DirSource } from '../../../src/sources/dir.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { releaseYaml } from '../../helpers/releases.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keelson-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keelson validate refuses what is not a manifest file', () => {
  it('a link to /proc/self/environ is refused unread, and nothing of it is echoed', async () => {
    const link = join(dir, 'env.yaml');
    await symlink('/proc/self/environ', link);
    const result = await validatePaths([link]);
    expect(result.problems).toEqual([expect.objectContaining({ file: link, code: 'io', message: expect.stringMatching(/link to a file outside the source folder/) })]);
    const output = JSON.stringify(result);
    expect(output).not.toMatch(/PATH=|HOME=|environ/);
  });

  it('a link that leaves a folder named for validation is refused; one that stays inside is read', async () => {
    const outside = join(dir, 'outside.yaml');
    await writeFile(outside, releaseYaml('secret-name'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'a.yaml'), releaseYaml('a'));
    await symlink(outside, join(dir, 'src', 'out.yaml'));
    await symlink(join(dir, 'src', 'a.yaml'), join(dir, 'src', 'alias.yaml'));
    const viaOut = await validatePaths([join(dir, 'src', 'out.yaml')]);
    expect(viaOut.problems).toEqual([expect.objectContaining({ code: 'io', message: expect.stringMatching(/outside the source folder/) })]);
    expect(JSON.stringify(viaOut)).not.toContain('secret-name');
    const viaAlias = await validatePaths([join(dir, 'src', 'alias.yaml')]);
    expect(viaAlias.problems).toEqual([]);
    expect(viaAlias.releases.map((r) => r.release.metadata.name)).toEqual(['a']);
  });

  it('a device named directly is refused, not read as an empty manifest', async () => {
    const result = await validatePaths(['/dev/null']);
    expect(result.problems).toEqual([expect.objectContaining({ file: '/dev/null', code: 'io', message: expect.stringMatching(/is a device, not a regular file/) })]);
  });

  it('the folder source makes a too-large file an invalid entry naming the limit, and reads the rest', async () => {
    await writeFile(join(dir, 'a.yaml'), releaseYaml('a'));
    await writeFile(join(dir, 'big.yaml'), `${releaseYaml('big')}${'# padding\n'.repeat(120_000)}`);
    const source = new DirSource({ folder: dir, clock: new VirtualClock(0), useFsWatch: false, pollIntervalMs: 0 });
    const snapshot = await source.snapshot();
    await source.close();
    expect(snapshot.releases.map((r) => [r.name, r.problems?.map((p) => p.code)])).toEqual([
      ['a', undefined],
      ['big.yaml', ['limit']],
    ]);
  });
});
