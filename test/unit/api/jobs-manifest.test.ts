// Jobs in a manifest: a bad hook or step is refused with its file, line and field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import type { ManifestProblem } from '../../../src/api/problem.js';

const EXAMPLE = readFileSync(new URL('../../../manifests/examples/aep-backend-canary.yaml', import.meta.url), 'utf8');
const problemsOf = (text: string): ManifestProblem[] => parseReleases(text, 'r.yaml').releases.flatMap((r) => r.problems);
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('jobs in a Release manifest', () => {
  it('accepts the example with its preDeploy migration', () => {
    expect(problemsOf(EXAMPLE)).toEqual([]);
  });

  it('refuses a job without its container, naming the field and line', () => {
    const text = EXAMPLE.replace('          container: backend\n', '');
    const [problem] = problemsOf(text);
    expect(problem).toMatchObject({ file: 'r.yaml', path: 'spec.hooks.preDeploy[0].job.container', message: 'missing required field' });
    expect(problem?.line).toBe(lineOf(text, '        job:'));
  });

  it('refuses a timeout that is not a duration and an environment name with a dash', () => {
    const text = EXAMPLE.replace('timeout: 10m                # still', 'timeout: ten    # still').replace(
      '          command: [alembic, upgrade, head]\n',
      '          command: [alembic, upgrade, head]\n          environment: {DB-URL: x}\n',
    );
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual(['spec.hooks.preDeploy[0].job.environment.DB-URL', 'spec.hooks.preDeploy[0].job.timeout']);
    expect(problems.find((p) => p.path.endsWith('DB-URL'))?.message).toContain('"DB-URL" is not an environment variable name');
    expect(problems.find((p) => p.path.endsWith('timeout'))?.line).toBe(lineOf(text, 'timeout: ten'));
  });

  it('refuses two jobs or http steps of one name, pointing at the second', () => {
    const text = EXAMPLE.replace('        - setWeight: 10               # 10%', '        - job: {name: migrate, container: backend}\n        - setWeight: 10               # 10%');
    const problems = problemsOf(text);
    expect(problems).toEqual([
      expect.objectContaining({ path: 'spec.strategy.canary.steps[1].job.name', line: lineOf(text, '- job: {name: migrate'), message: expect.stringContaining('spec.hooks.preDeploy[0].name') }),
    ]);
  });

  it('refuses an http step whose timeout is longer than the health interval', () => {
    const text = EXAMPLE.replace('        - setWeight: 10               # 10%', '        - http: {name: ready-preview, url: "https://aep-preview.example.com/health/ready", timeout: 1m}\n        - setWeight: 10               # 10%');
    expect(problemsOf(text)).toEqual([expect.objectContaining({ path: 'spec.strategy.canary.steps[1].http.timeout', message: expect.stringContaining('longer than the health interval') })]);
  });
});
