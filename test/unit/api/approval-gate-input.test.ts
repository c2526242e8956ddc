import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import { parseConfig } from '../../../src/config/load.js';
import { configProblems } from '../../helpers/config.js';

const example = readFileSync(new URL('../../../manifests/examples/aep-backend-canary.yaml', import.meta.url), 'utf8');

/** The example with its approval gate replaced by `gate` (flow YAML), and what parsing it says. */
function problemsWith(gate: string): string[] {
  const text = example.replace(/ {8}- approval:.*(\n {12}.*)+/, `        - approval: ${gate}`);
  expect(text).not.toBe(example);
  const parsed = parseReleases(text, 'web.yaml');
  return parsed.releases.flatMap((r) => r.problems).map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`);
}

describe('an approval gate in a manifest', () => {
  it('is accepted as the example writes it', () => {
    const parsed = parseReleases(example, 'web.yaml');
    expect(parsed.releases[0]?.problems).toEqual([]);
    expect(parsed.releases[0]?.release?.spec.strategy.canary?.steps[0]).toEqual({ approval: { required: 2, group: 'release-managers', expiresAfter: '24h' } });
  });

  it.each([
    ['{required: 0}', 'spec.strategy.canary.steps[0].approval.required', /1/],
    ['{required: 21}', 'spec.strategy.canary.steps[0].approval.required', /20/],
    ['{group: "release managers"}', 'spec.strategy.canary.steps[0].approval.group', /not a group name/],
    ['{expiresAfter: 30s}', 'spec.strategy.canary.steps[0].approval.expiresAfter', /1m/],
    ['{expiresAfter: soon}', 'spec.strategy.canary.steps[0].approval.expiresAfter', /duration/],
    ['{required: 2, by: alice}', 'spec.strategy.canary.steps[0].approval.by', /unknown field/],
  ])('%s is refused at its file, line and field', (gate, path, says) => {
    const problems = problemsWith(gate);
    const line = example.split('\n').findIndex((l) => l.startsWith('        - approval:')) + 1;
    const match = problems.find((p) => p.startsWith(`web.yaml:${line} ${path}:`));
    expect(match, problems.join('\n')).toBeDefined();
    expect(match).toMatch(says);
  });
});

describe('approvers in keelson.yaml', () => {
  const problemsOf = (text: string): string[] => configProblems(text);

  it('reads groups of people', () => {
    expect(parseConfig('approvers:\n  release-managers: [alice, bob]\n', 'keelson.yaml', {}).approvers).toEqual({ 'release-managers': ['alice', 'bob'] });
    expect(parseConfig('', 'keelson.yaml', {}).approvers).toEqual({});
  });

  it('refuses an empty group, a person twice and a name with spaces, at file, line and field', () => {
    expect(problemsOf('approvers:\n  release-managers: []\n')[0]).toMatch(/^keelson\.yaml:2:\d+ approvers\.release-managers: /);
    expect(problemsOf('approvers:\n  release-managers: [alice, alice]\n')[0]).toMatch(/^keelson\.yaml:2:\d+ approvers\.release-managers: /);
    expect(problemsOf('approvers:\n  release-managers: ["alice smith"]\n')[0]).toMatch(/^keelson\.yaml:2:\d+ approvers\.release-managers\[0\]: /);
  });
});
