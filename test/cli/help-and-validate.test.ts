import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keelson, ROOT } from './support/keelson.js';

const BROKEN = 'test/fixtures/manifests/aep.yaml';

describe('the keelson binary: help and usage', () => {
  it('shows examples in --help and exits 0', async () => {
    const { code, stdout } = await keelson(['--help'], ROOT);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: keelson');
    expect(stdout).toContain('Examples:');
    expect(stdout).toMatch(/^ {2}keelson validate manifests\/examples/m);
    expect(stdout).toMatch(/^ {2}keelson wait aep-backend-prod/m);
    const apply = await keelson(['apply', '--help'], ROOT);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('keelson apply -f manifests/examples/aep-backend-canary.yaml --source dir:releases');
  });

  it('exits 2 on an unknown command and names it', async () => {
    const { code, stderr } = await keelson(['deploy', 'aep-backend-prod'], ROOT);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'deploy'");
  });
});

describe('keelson validate (the binary)', () => {
  it('passes the examples: exit 0, one ok line per file', async () => {
    const { code, stdout, stderr } = await keelson(['validate', 'manifests/examples'], ROOT);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      'ok  manifests/examples/aep-backend-canary.yaml (1 Release)',
      'ok  manifests/examples/aep-frontend-rolling.yaml (1 Release)',
      'ok  manifests/examples/rastup-api-baseline-canary.yaml (1 Release)',
      'ok  manifests/examples/web-route53-blue-green.yaml (1 Release)',
      'ok  manifests/examples/web-staging-rolling.yaml (1 Release)',
    ]);
    expect(stderr).toBe('');
  });

  it('exits 1 on a broken manifest with file:line:col and the field of every problem', async () => {
    const { code, stdout, stderr } = await keelson(['validate', BROKEN], ROOT);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const expected = (await readFile(join(ROOT, 'test/fixtures/manifests/aep.problems.txt'), 'utf8')).trimEnd().split('\n');
    expect(stderr.trimEnd().split('\n')).toEqual([...expected, '5 problems in 1 file']);
    expect(stderr).toContain('test/fixtures/manifests/aep.yaml:14:22 spec.strategy.canary.steps[1].setWeight');
  });

  it('exits 2 when given nothing to validate', async () => {
    const { code, stderr } = await keelson(['validate'], ROOT);
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'paths'");
  });

  it('prints { valid, problems } with -o json, on stdout only', async () => {
    const bad = await keelson(['validate', '-o', 'json', BROKEN], ROOT);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('');
    const report = JSON.parse(bad.stdout) as { valid: boolean; problems: { file: string; line: number; column: number; path: string }[] };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path}`)).toContain(`${BROKEN}:28:3 spec.strateg`);
    const good = await keelson(['validate', '--output', 'json', 'manifests/examples'], ROOT);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ valid: true, problems: [] });
  });
});
