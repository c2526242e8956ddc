import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePaths } from '../../../src/api/validate-paths.js';

const example = (name: string): Promise<string> => readFile(new URL(`../../../manifests/examples/${name}`, import.meta.url), 'utf8');

describe('validatePaths', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-validate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds *.yaml and *.yml files in folders, recursively and sorted, skipping other files and dot-folders', async () => {
    await mkdir(join(dir, 'b/nested'), { recursive: true });
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'b/nested/web.yml'), await example('web-route53-blue-green.yaml'));
    await writeFile(join(dir, 'a.yaml'), await example('aep-frontend-rolling.yaml'));
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    await writeFile(join(dir, '.git/x.yaml'), 'broken: [');
    const result = await validatePaths([dir]);
    expect(result.files).toEqual([join(dir, 'a.yaml'), join(dir, 'b/nested/web.yml')]);
    expect(result.releases.map((r) => [r.file, r.line, r.release.metadata.name])).toEqual([
      [join(dir, 'a.yaml'), 9, 'aep-frontend-prod'],
      [join(dir, 'b/nested/web.yml'), 11, 'web-prod'],
    ]);
    expect(result.problems).toEqual([]);
  });

  it('reports a name used in two files on both, and keeps neither Release', async () => {
    const text = await example('aep-frontend-rolling.yaml');
    await writeFile(join(dir, 'one.yaml'), text);
    await writeFile(join(dir, 'two.yaml'), `# a copy\n${text}`);
    const result = await validatePaths([join(dir, 'two.yaml'), join(dir, 'one.yaml')]);
    expect(result.releases).toEqual([]);
    expect(result.problems.map((p) => [p.file, p.line, p.column, p.path, p.code])).toEqual([
      [join(dir, 'one.yaml'), 12, 9, 'metadata.name', 'duplicate'],
      [join(dir, 'two.yaml'), 13, 9, 'metadata.name', 'duplicate'],
    ]);
    expect(result.problems[0]?.message).toContain(`${join(dir, 'two.yaml')}:13`);
  });

  it('lists a file named twice once', async () => {
    await writeFile(join(dir, 'a.yaml'), await example('aep-frontend-rolling.yaml'));
    const result = await validatePaths([dir, join(dir, 'a.yaml')]);
    expect(result.files).toEqual([join(dir, 'a.yaml')]);
    expect(result.problems).toEqual([]);
  });

  it('reports a path that does not exist as an io problem', async () => {
    const result = await validatePaths([join(dir, 'missing.yaml')]);
    expect(result.problems).toEqual([
      { file: join(dir, 'missing.yaml'), line: 0, column: 0, path: '', message: 'no such file or directory', code: 'io' },
    ]);
  });
});
