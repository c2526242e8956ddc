import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import { formatProblem } from '../../../src/api/problem.js';

const fixture = (name: string): Promise<string> => readFile(new URL(`../../fixtures/manifests/${name}`, import.meta.url), 'utf8');
const FILE = 'test/fixtures/manifests';

describe('parseReleases', () => {
  it('reports every problem of every document, located, in reading order', async () => {
    const parsed = parseReleases(await fixture('aep.yaml'), `${FILE}/aep.yaml`);
    const lines = parsed.releases.flatMap((r) => r.problems).map(formatProblem);
    expect(lines.join('\n')).toBe((await fixture('aep.problems.txt')).trimEnd());
  });

  it('judges each document of a multi-document file on its own and skips empty ones', async () => {
    const parsed = parseReleases(await fixture('multi.yaml'), `${FILE}/multi.yaml`);
    expect(parsed.releases.map((r) => [r.name, r.line, r.release !== undefined])).toEqual([
      ['api-one', 2, false],
      ['api-two', 12, false],
      ['api-one', 21, false],
      ['api-three', 29, true],
    ]);
    const two = parsed.releases[1]?.problems ?? [];
    expect(two.map((p) => [p.line, p.path, p.code])).toEqual([
      [17, 'spec.revision.taskDefinition', 'schema'],
      [19, 'spec.replicas', 'schema'],
    ]);
  });

  it('reports a name used twice in one file on both documents', async () => {
    const parsed = parseReleases(await fixture('multi.yaml'), `${FILE}/multi.yaml`);
    const duplicates = parsed.releases.flatMap((r) => r.problems).filter((p) => p.code === 'duplicate');
    expect(duplicates.map((p) => [p.line, p.column, p.path])).toEqual([
      [4, 18, 'metadata.name'],
      [23, 18, 'metadata.name'],
    ]);
    expect(duplicates[0]?.message).toContain(`${FILE}/multi.yaml:23`);
    expect(duplicates[1]?.message).toContain(`${FILE}/multi.yaml:4`);
  });

  it('returns the Release exactly as written, without defaults', async () => {
    const text = await fixture('multi.yaml');
    const parsed = parseReleases(text, 'multi.yaml');
    const written = parseDocument(text.split('---\n').at(-1) ?? '').toJS() as unknown;
    expect(parsed.releases[3]?.release).toEqual(written);
    expect(parsed.releases[3]?.release?.spec).not.toHaveProperty('progressDeadline');
  });

  it('reports broken YAML with its line and never throws', () => {
    const parsed = parseReleases('apiVersion: keelson.dev/v1alpha1\nkind: Release\nkind: Release\n', 'x.yaml');
    expect(parsed.releases[0]?.problems).toEqual([
      { file: 'x.yaml', line: 3, column: 1, path: '', message: 'Map keys must be unique', code: 'yaml' },
    ]);
  });

  it('reports an alias without an anchor instead of throwing', () => {
    const parsed = parseReleases('apiVersion: keelson.dev/v1alpha1\nspec: *nowhere\n', 'x.yaml');
    expect(parsed.releases[0]?.problems.map((p) => [p.line, p.column, p.code])).toEqual([[2, 7, 'yaml']]);
  });

  it('refuses a document that expands aliases without end', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) laughs.push(`${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`);
    const parsed = parseReleases(laughs.join('\n'), 'laughs.yaml');
    expect(parsed.releases[0]?.problems[0]?.code).toBe('yaml');
  });

  it('finds nothing in an empty or comment-only file', () => {
    expect(parseReleases('', 'e.yaml').releases).toEqual([]);
    expect(parseReleases('# nothing here\n', 'e.yaml').releases).toEqual([]);
  });

  it('says so when a document is not a mapping', () => {
    const parsed = parseReleases('- just\n- a list\n', 'l.yaml');
    expect(parsed.releases[0]?.problems.map(formatProblem)).toEqual(['l.yaml:1:1: must be a mapping (got a list)']);
  });
});
