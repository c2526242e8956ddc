import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AEP_EXAMPLE, folderContents, keelson, ROOT, tempFolder } from './support/keelson.js';

const MIXED = join(ROOT, 'test/fixtures/cli/one-valid-one-invalid.yaml');

describe('keelson apply -f and diff -f against a folder source', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let aep13: string;
  const to = (): string[] => ['--source', `dir:${join(dir, 'releases')}`, '--state', `dir:${join(dir, 'state')}`];
  /** The source as a person keeps it: the example committed as it is. */
  const sourceHoldsTheExample = async (): Promise<void> => {
    await mkdir(join(dir, 'releases'));
    await copyFile(AEP_EXAMPLE, join(dir, 'releases/aep-backend-prod.yaml'));
  };

  beforeEach(async () => {
    ({ dir, remove } = await tempFolder());
    // The same Release, one revision on: what a person would commit next.
    aep13 = join(dir, 'aep-13.yaml');
    const text = await readFile(AEP_EXAMPLE, 'utf8');
    expect(text).toContain('taskDefinition: aep-backend-prod:12');
    await writeFile(aep13, text.replace('taskDefinition: aep-backend-prod:12', 'taskDefinition: aep-backend-prod:13'));
  });
  afterEach(() => remove());

  it('creates (generation 1), leaves an equal spec unchanged, and updates a changed one (generation 2)', async () => {
    const created = await keelson(['apply', '-f', AEP_EXAMPLE, ...to()], dir);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout.trim()).toBe('release/aep-backend-prod created (generation 1)');
    const written = await readFile(join(dir, 'releases/aep-backend-prod.yaml'), 'utf8');
    expect(written).toContain('taskDefinition: aep-backend-prod:12');

    const again = await keelson(['apply', '-f', AEP_EXAMPLE, ...to()], dir);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('release/aep-backend-prod unchanged (generation 1)');
    expect(await readFile(join(dir, 'releases/aep-backend-prod.yaml'), 'utf8')).toBe(written);

    const updated = await keelson(['apply', '-f', aep13, ...to()], dir);
    expect(updated.code).toBe(0);
    expect(updated.stdout.trim()).toBe('release/aep-backend-prod updated (generation 2)');
    expect(await readFile(join(dir, 'releases/aep-backend-prod.yaml'), 'utf8')).toContain('taskDefinition: aep-backend-prod:13');
  });

  it('refuses an invalid file with its file, line and field, and writes nothing at all', async () => {
    await sourceHoldsTheExample();
    const before = await folderContents(dir);

    const refused = await keelson(['apply', '-f', MIXED, ...to()], dir);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(`${MIXED}:19:13 spec.replicas: must be a whole number (got "two")`);
    // Not even the valid Release of the same file.
    expect(await folderContents(dir)).toEqual(before);
  });

  it('explains that a Git source is changed by a commit (usage error, exit 2)', async () => {
    const { code, stdout, stderr } = await keelson(['apply', '-f', AEP_EXAMPLE, '--source', 'git:https://github.com/acme/deploy.git#main:releases', '--state', `dir:${join(dir, 'state')}`], dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('commit');
    expect(await folderContents(dir)).toEqual({ '/aep-13.yaml': await readFile(aep13, 'utf8') });
  });

  it('exits 2 when the file cannot be read', async () => {
    const { code, stderr } = await keelson(['apply', '-f', join(dir, 'missing.yaml'), ...to()], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('missing.yaml: cannot read the file');
  });

  it('diff: exit 0 and no output when the source holds the same spec; exit 1 with a unified diff (3 lines of context) when the revision differs or the Release is new', async () => {
    await sourceHoldsTheExample();
    const rolling = join(ROOT, 'manifests/examples/aep-frontend-rolling.yaml');
    const [same, changed, added] = await Promise.all([
      keelson(['diff', '-f', AEP_EXAMPLE, ...to()], dir),
      keelson(['diff', '-f', aep13, ...to()], dir),
      keelson(['diff', '-f', rolling, ...to()], dir),
    ]);
    expect(same).toEqual({ code: 0, stdout: '', stderr: '' });

    expect(changed.code).toBe(1);
    const lines = changed.stdout.trimEnd().split('\n');
    // Headers name live (and its source) and the file, as kubectl diff.
    expect(lines.slice(0, 2)).toEqual([`--- live/release/aep-backend-prod\t(dir:${join(dir, 'releases')})`, `+++ ${aep13}/release/aep-backend-prod`]);
    expect(lines[2]).toMatch(/^@@ -(\d+),7 \+\1,7 @@$/);
    const hunk = lines.slice(3);
    expect(hunk).toHaveLength(8);
    expect(hunk.filter((l) => l.startsWith('-'))).toEqual([expect.stringMatching(/^- +taskDefinition: aep-backend-prod:12$/)]);
    expect(hunk.filter((l) => l.startsWith('+'))).toEqual([expect.stringMatching(/^\+ +taskDefinition: aep-backend-prod:13$/)]);
    // Three unchanged lines either side, each starting with a space; no colour in a pipe.
    expect(hunk.slice(0, 3).every((l) => l.startsWith(' '))).toBe(true);
    expect(hunk.slice(5).every((l) => l.startsWith(' '))).toBe(true);
    expect(changed.stdout).not.toContain('\x1b[');

    expect(added.code).toBe(1);
    const addedLines = added.stdout.split('\n');
    expect(addedLines.slice(0, 2)).toEqual(['--- /dev/null', `+++ ${rolling}/release/aep-frontend-prod`]);
    expect(addedLines[2]).toMatch(/^@@ -0,0 \+1,\d+ @@$/);
    expect(added.stdout).toMatch(/^\+ +taskDefinition: aep-frontend-prod:8$/m);
    expect(added.stdout).toMatch(/^\+kind: Release$/m);
    expect(added.stdout).not.toMatch(/^-(?!-- )/m);

    // diff never writes: the source holds the example as it was.
    expect(await folderContents(join(dir, 'releases'))).toEqual({ '/aep-backend-prod.yaml': await readFile(AEP_EXAMPLE, 'utf8') });
  });

  it('diff: before the first apply makes the folder, every Release in the file is new, and nothing is made', async () => {
    const { code, stdout, stderr } = await keelson(['diff', '-f', AEP_EXAMPLE, ...to()], dir);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.split('\n').slice(0, 2)).toEqual(['--- /dev/null', `+++ ${AEP_EXAMPLE}/release/aep-backend-prod`]);
    expect(await folderContents(join(dir, 'releases'))).toEqual({});
  });

  it('diff: exits 2 (an error, not "differences") on an invalid file, with its file, line and field', async () => {
    await sourceHoldsTheExample();
    const refused = await keelson(['diff', '-f', MIXED, ...to()], dir);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(`${MIXED}:19:13 spec.replicas: must be a whole number (got "two")`);
  });
});
