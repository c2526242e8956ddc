// Hostile manifests end in a clean, bounded problem: limits named, values not silently changed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../../src/api/limits.js';
import { parseReleases } from '../../../src/api/load.js';
import type { ManifestProblem } from '../../../src/api/problem.js';
import { assembleReleases, candidatesFromText, type ReleaseCandidate } from '../../../src/sources/snapshot.js';
import { releaseYaml } from '../../helpers/releases.js';

const EXAMPLE = readFileSync(new URL('../../../manifests/examples/aep-backend-canary.yaml', import.meta.url), 'utf8');
const problemsOf = (text: string, file = 'r.yaml'): ManifestProblem[] => parseReleases(text, file).releases.flatMap((r) => r.problems);
/** The example with one line replaced (the first that matches). */
const edit = (from: RegExp, to: string): string => {
  expect(EXAMPLE).toMatch(from);
  return EXAMPLE.replace(from, to);
};

describe('input limits: output stays proportional to the input', () => {
  it('300 documents with one name make a bounded list of problems, each naming a few places and counting the rest', () => {
    const text = Array.from({ length: 300 }, () => releaseYaml('same')).join('---\n');
    const problems = problemsOf(text);
    expect(problems.length).toBeLessThanOrEqual(300 + 1);
    for (const p of problems.filter((q) => q.code === 'duplicate')) {
      expect(p.message.length).toBeLessThan(400);
      expect(p.message).toMatch(/299 other Releases are also named "same" \(r\.yaml:\d+(, r\.yaml:\d+){4} and 29[45] more\)/);
    }
    const total = problems.reduce((n, p) => n + p.message.length, 0);
    expect(total).toBeLessThan(300 * 400);
  });

  it('copies of one name across many files become one invalid Release with a bounded list of problems', () => {
    const candidates: ReleaseCandidate[] = Array.from({ length: 2_000 }, (_, i) => ({
      name: 'same',
      file: `f${i}.yaml`,
      line: 1,
      problems: [],
      sourceRevision: 'r',
    }));
    const [release] = assembleReleases(candidates, () => 1);
    expect(release?.problems?.length).toBeLessThanOrEqual(INPUT_LIMITS.maxProblemsPerFile + 1);
    expect(release?.problems?.at(-1)?.message).toMatch(/and 1,950 more problems not shown/);
    for (const p of release?.problems ?? []) expect(p.message.length).toBeLessThan(400);
  });

  it('a file over the size limit is refused unparsed, with a problem naming the limit', () => {
    const text = `${releaseYaml('big')}  labels:\n${'    # padding\n'.repeat(90_000)}`;
    const parsed = parseReleases(text, 'big.yaml');
    expect(parsed.refused).toBe(true);
    expect(parsed.releases.flatMap((r) => r.problems)).toEqual([
      expect.objectContaining({ file: 'big.yaml', code: 'limit', message: expect.stringMatching(/over the limit of 1,048,576 bytes per manifest file/) }),
    ]);
  });

  it('a file with more documents than the limit is refused, naming the limit', () => {
    const text = Array.from({ length: INPUT_LIMITS.maxDocumentsPerFile + 1 }, (_, i) => releaseYaml(`r${i}`)).join('---\n');
    expect(problemsOf(text)).toEqual([expect.objectContaining({ code: 'limit', message: expect.stringMatching(/more than 200 YAML documents/) })]);
  });

  it('nesting deeper than the limit is a problem at the field where it goes too deep', () => {
    const deep = `${'{a: '.repeat(40)}1${'}'.repeat(40)}`;
    const text = releaseYaml('deep').replace('metadata:\n', `metadata:\n  labels: ${deep}\n`);
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ code: 'limit', line: 4, path: expect.stringMatching(/^metadata\.labels(\.a){30}$/), message: expect.stringMatching(/nested too deeply: at most 32 levels/) }),
    ]);
  });

  it('a problem list of one document is capped, the rest counted', () => {
    const labels = Array.from({ length: 500 }, (_, i) => `    k${i}: [${i}]`).join('\n');
    const text = releaseYaml('many').replace('metadata:\n  name: many\n', `metadata:\n  name: many\n  labels:\n${labels}\n`);
    const problems = problemsOf(text);
    expect(problems.length).toBe(INPUT_LIMITS.maxProblemsPerFile);
    expect(problems.at(-1)).toMatchObject({ code: 'limit', message: expect.stringMatching(/^and 451 more problems not shown/) });
  });
});

describe('durations have a range', () => {
  it.each([
    ['a duration of 400 digits', /scaleDownDelay: 24h/, `scaleDownDelay: ${'9'.repeat(400)}d`, 'spec.strategy.canary.scaleDownDelay', /too long for a duration/],
    ['a 0s HTTP timeout', /timeout: 5s/, 'timeout: 0s', 'spec.health.conditions[0].http.timeout', /must be at least 100ms \(got "0s"\)/],
    ['a 0s metric window', /window: 1m/, 'window: 0s', 'spec.health.conditions[1].metric.window', /must be at least 1s \(got "0s"\)/],
    ['a 0s failFor', /failFor: 2m/, 'failFor: 0s', 'spec.health.conditions[0].failFor', /must be at least 1s/],
    ['a pause of a year', /duration: 5m/, 'duration: 365d', 'spec.strategy.canary.steps[2].pause.duration', /must be at most 30d \(got "365d"\)/],
  ])('%s is refused at its field', (_, from, to, path, message) => {
    const problems = problemsOf(edit(from, to));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'duration', path, message: expect.stringMatching(message) }));
  });

  it('a 100-day scaleDownDelay is refused, and 30 days accepted (the clock wakes correctly for it)', () => {
    expect(problemsOf(edit(/scaleDownDelay: 24h/, 'scaleDownDelay: 100d')).map((p) => p.message)).toEqual(['must be at most 90d (got "100d")']);
    expect(problemsOf(edit(/scaleDownDelay: 24h/, 'scaleDownDelay: 30d'))).toEqual([]);
  });
});

describe('values are never changed silently', () => {
  it.each([
    ['!Ref Cluster', /cluster: aep-prod/, 'cluster: !Ref Cluster', /the YAML tag "!Ref" is not supported/],
    ['!!set', /cluster: aep-prod/, 'cluster: !!set {a, b}', /the YAML tag "!!set" is not supported/],
    ['!!binary', /cluster: aep-prod/, 'cluster: !!binary YWVwLXByb2Q=', /the YAML tag "!!binary" is not supported/],
  ])('a %s tag is a problem naming file and line', (_, from, to, message) => {
    const text = edit(from, to);
    const line = text.split('\n').findIndex((l) => l.includes(to)) + 1;
    expect(problemsOf(text, 'tags.yaml')).toContainEqual(expect.objectContaining({ file: 'tags.yaml', line, code: 'yaml', message: expect.stringMatching(message) }));
  });

  it('a custom tag is refused while the plain core tags still read as written', () => {
    expect(problemsOf(edit(/cluster: aep-prod/, 'cluster: !Ref aep-prod')).map((p) => p.code)).toEqual(['yaml']);
    expect(problemsOf(edit(/cluster: aep-prod/, 'cluster: !!str aep-prod'))).toEqual([]);
  });

  it('a raw control character in the text is a problem at its line and column', () => {
    const text = edit(/cluster: aep-prod/, 'cluster: aep\u0000prod');
    const line = text.split('\n').findIndex((l) => l.includes('\u0000')) + 1;
    expect(problemsOf(text)).toEqual([expect.objectContaining({ line, column: 15, code: 'yaml', message: expect.stringMatching(/control character U\+0000/) })]);
  });

  it('a NUL written as an escape in a URL is refused at the field', () => {
    const problems = problemsOf(edit(/url: (\S+)/, 'url: "https://aep.example.com/health\\0/ready"'));
    expect(problems).toContainEqual(
      expect.objectContaining({ path: 'spec.health.conditions[0].http.url', message: expect.stringMatching(/control character U\+0000/) }),
    );
  });

  it.each([
    ['errorRate max -5', /max: 5%/, 'max: -5', 'spec.health.conditions[1].metric.max'],
  ])('a negative threshold (%s) is refused', (_, from, to, path) => {
    expect(problemsOf(edit(from, to))).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(/must be at least 0/) }));
  });

  it('a raw CloudWatch threshold below zero is refused', () => {
    const text = edit(
      /metric:\n(\s+)builtin: errorRate.*\n\s+max: 5%/,
      'metric:\n$1cloudwatch: {queries: [{id: m1, metricStat: {namespace: N, metricName: M, stat: Sum}}]}\n$1min: -1',
    );
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ path: 'spec.health.conditions[1].metric.min', message: 'must be at least 0 (got -1)' }));
  });
});

describe('encodings', () => {
  const candidates = (bytes: Uint8Array): ReleaseCandidate[] => candidatesFromText({ file: 'e.yaml', text: bytes, sourceRevision: 'r' });

  it('invalid UTF-8 is a problem at the byte where it goes wrong, not replacement characters', () => {
    const text = Buffer.concat([Buffer.from(releaseYaml('enc').replace('prod', 'pr')), Buffer.from([0x6f, 0xc3, 0x28, 0x0a])]);
    const [c] = candidates(text);
    expect(c?.release).toBeUndefined();
    expect(c?.problems).toEqual([expect.objectContaining({ line: 12, column: 2, message: expect.stringMatching(/not valid UTF-8/) })]);
  });

  it('UTF-16 with a byte-order mark and UTF-8 with one read as the same Release', () => {
    const text = releaseYaml('enc');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(candidates(le)[0]?.release).toEqual(candidates(Buffer.from(text))[0]?.release);
    expect(candidates(bom)[0]?.release).toEqual(candidates(Buffer.from(text))[0]?.release);
  });
});
