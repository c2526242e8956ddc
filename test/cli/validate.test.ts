import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerValidate, runValidate } from '../../src/cli/commands/validate.js';
import type { Output } from '../../src/cli/commands/validate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = join(ROOT, 'manifests/examples');

function collect(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** Runs `keelson validate ...args` through commander in this process; returns the exit code. */
async function cli(args: string[], io: Output): Promise<number> {
  const program = new Command('keelson').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerValidate(program, io);
  const before = process.exitCode;
  try {
    await program.parseAsync(['validate', ...args], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    return String((err as { code?: string }).code).startsWith('commander.') ? 2 : 1;
  } finally {
    process.exitCode = before;
  }
}

describe('keelson validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-cli-'));
    await writeFile(join(dir, 'bad.yaml'), 'apiVersion: keelson.dev/v1alpha1\nkind: Release\nmetadata: {name: bad}\nspec:\n  cluster: c\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the examples with one line per file', async () => {
    const io = collect();
    expect(await runValidate([EXAMPLES], { output: 'text' }, io)).toBe(0);
    expect(io.stdout).toEqual([
      `ok  ${join(EXAMPLES, 'aep-backend-canary.yaml')} (1 Release)`,
      `ok  ${join(EXAMPLES, 'aep-frontend-rolling.yaml')} (1 Release)`,
      `ok  ${join(EXAMPLES, 'rastup-api-baseline-canary.yaml')} (1 Release)`,
      `ok  ${join(EXAMPLES, 'web-route53-blue-green.yaml')} (1 Release)`,
      `ok  ${join(EXAMPLES, 'web-staging-rolling.yaml')} (1 Release)`,
    ]);
    expect(io.stderr).toEqual([]);
  });

  it('exits 1 and prints each problem on stderr when a manifest is invalid', async () => {
    const io = collect();
    expect(await cli([join(dir, 'bad.yaml'), EXAMPLES], io)).toBe(1);
    expect(io.stderr).toEqual([
      `${join(dir, 'bad.yaml')}:4:1 spec.revision: missing required field`,
      `${join(dir, 'bad.yaml')}:4:1 spec.strategy: missing required field`,
      '2 problems in 1 file',
    ]);
    expect(io.stdout).toHaveLength(5); // one ok line per example file
  });

  it('prints { valid, problems } as JSON with -o json', async () => {
    const io = collect();
    expect(await cli(['-o', 'json', join(dir, 'bad.yaml')], io)).toBe(1);
    const report = JSON.parse(io.stdout.join('\n')) as { valid: boolean; problems: { path: string; code: string }[] };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => [p.path, p.code])).toEqual([
      ['spec.revision', 'schema'],
      ['spec.strategy', 'schema'],
    ]);
    expect(io.stderr).toEqual([]);
    const ok = collect();
    expect(await cli(['--output', 'json', EXAMPLES], ok)).toBe(0);
    expect(JSON.parse(ok.stdout.join('\n'))).toEqual({ valid: true, problems: [] });
  });

  it.each([
    ['no paths', []],
    ['a missing path', [join(ROOT, 'no/such/dir')]],
    ['a folder without manifests', [join(ROOT, 'src/cli')]],
    ['an unknown output format', ['-o', 'yaml', EXAMPLES]],
    ['an unknown option', ['--strict', EXAMPLES]],
  ])('exits 2 on a usage error: %s', async (_, args) => {
    expect(await cli(args, collect())).toBe(2);
  });

  it('works as a command of the real binary', async () => {
    // `node --import tsx` resolves tsx from node_modules of the working directory.
    const run = promisify(execFile);
    const keelson = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT });
    const ok = await keelson('validate', 'manifests/examples');
    expect(ok.stdout).toContain('ok  manifests/examples/aep-backend-canary.yaml (1 Release)');
    const bad = await keelson('validate', join(dir, 'bad.yaml')).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('spec.revision: missing required field') });
  });
});

describe('keelson validate on two Releases that name the same listener', () => {
  it('refuses the pair, naming both files and the line of the field in each, exit 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'keelson-claims-'));
    try {
      const manifest = (name: string, services: string) =>
        [
          'apiVersion: keelson.dev/v1alpha1',
          'kind: Release',
          `metadata: {name: ${name}}`,
          'spec:',
          '  cluster: aep-prod',
          '  revision: {taskDefinition: "aep-backend-prod:12"}',
          '  strategy:',
          '    canary:',
          `      services: ${services}`,
          '      traffic:',
          '        alb:',
          '          listenerArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/aep-prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2',
          '          targetGroups:',
          '            blue: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-backend-blue/73e2d6bc24d8a067',
          '            green: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-backend-green/2453ed029918f21f',
          '      steps: [{setWeight: 100}]',
          '',
        ].join('\n');
      await writeFile(join(folder, 'first.yaml'), manifest('aep-one', '{blue: one-blue, green: one-green}'));
      await writeFile(join(folder, 'second.yaml'), `# the same stack again\n${manifest('aep-two', '{blue: two-blue, green: two-green}')}`);
      const io = collect();

      const code = await cli([folder], io);

      expect(code).toBe(1);
      const lines = io.stderr.join('\n');
      expect(lines).toContain(`${join(folder, 'first.yaml')}:12:24 spec.strategy.canary.traffic.alb.listenerArn: listener arn:aws:elasticloadbalancing`);
      expect(lines).toContain(`is also named by Release aep-two (${join(folder, 'second.yaml')}:13)`);
      expect(lines).toContain(`${join(folder, 'second.yaml')}:13:24 spec.strategy.canary.traffic.alb.listenerArn:`);
      expect(lines).toContain(`is also named by Release aep-one (${join(folder, 'first.yaml')}:12)`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
