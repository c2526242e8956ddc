import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import { invalidManifests } from './mutations.js';

const cases = invalidManifests();

describe('invalid manifests made from the examples', () => {
  it('are many, of every kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const codes = new Set(cases.map((c) => c.expect.code));
    expect([...codes].sort()).toEqual(['duplicate', 'duration', 'schema', 'semantic', 'yaml']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: rejected at the field, line and file', (_, { file, text, expect: want }) => {
    const parsed = parseReleases(text, file);
    expect(parsed.releases.length).toBeGreaterThan(0);
    expect(parsed.releases.filter((r) => r.release)).toEqual([]);
    const problems = parsed.releases.flatMap((r) => r.problems);
    expect(problems.every((p) => p.file === file)).toBe(true);
    const match = problems.find(
      (p) =>
        p.path === want.path &&
        p.line === want.line &&
        (want.column === undefined || p.column === want.column) &&
        (want.code === undefined || p.code === want.code),
    );
    const got = problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.code} ${p.message}`).join('\n');
    expect(match, `no problem at ${want.path} ${want.line}:${want.column ?? '?'}; got:\n${got}\n${text}`).toBeDefined();
    if (want.message) expect(match?.message).toMatch(want.message);
  });
});
