import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { openSource, openStateStore } from '../../../src/config/open.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DirStateStore } from '../../../src/store/dir-store.js';
import { TestRepo } from '../../helpers/git-repo.js';
import { releaseYaml } from '../../helpers/releases.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-open-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('opening what the configuration names', () => {
  it('opens a folder source whose generations survive a restart in the state folder, and a folder state store', async () => {
    await mkdir(join(root, 'releases'));
    const config = parseConfig(`sources:\n  - dir: {path: ${root}/releases}\nstate:\n  dir: {path: ${root}/state}\n`, 'k.yaml', {});
    const deps = { clock: new VirtualClock(0), env: {} };
    expect(openStateStore(config, deps)).toBeInstanceOf(DirStateStore);
    const generation = async (): Promise<number> => {
      const source = await openSource(config.sources[0]!, config, deps);
      const snap = await source.snapshot();
      await source.close();
      return snap.releases[0]!.generation;
    };
    await writeFile(join(root, 'releases/web.yaml'), releaseYaml('web'));
    expect(await generation()).toBe(1);
    await writeFile(join(root, 'releases/web.yaml'), releaseYaml('web', { taskDefinition: 'web:2' }));
    expect(await generation()).toBe(2);
    expect(await generation()).toBe(2);
    expect(await readdir(join(root, 'state'))).toEqual(['dir']);
  });

  it('opens a Git source with its cache in the state folder and its token from the environment', async () => {
    const repo = await TestRepo.create(join(root, 'repos'));
    await repo.commit({ 'releases/web.yaml': releaseYaml('web') }, 'one');
    await repo.push();
    const config = parseConfig(
      `sources:\n  - git:\n      url: ${repo.remote}\n      path: releases\n      token: {env: GIT_TOKEN}\nstate:\n  dir: {path: ${root}/state}\n`,
      'k.yaml',
      {},
    );
    const source = await openSource(config.sources[0]!, config, { clock: new VirtualClock(0), env: { ...repo.env, GIT_TOKEN: 'tok' } });
    expect(source.description).toBe(`git:${repo.remote}#main:releases`);
    expect((await source.snapshot()).releases.map((r) => r.name)).toEqual(['web']);
    await source.close();
    expect(await readdir(join(root, 'state/git'))).toHaveLength(1);
  });
});
