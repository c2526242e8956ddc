// keelson as people install it: the version it reports, the completion it offers a shell, and
// the package npm would publish, installed into an empty folder and run from there.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, keelson, ROOT } from './support/keelson.js';

const run = promisify(execFile);
const npm = (args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> =>
  run('npm', args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });

const packageVersion = async (): Promise<string> => (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('keelson --version', () => {
  it('prints the version of the package', async () => {
    const { code, stdout } = await keelson(['--version'], ROOT);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(await packageVersion());
  });
});

describe('keelson completion', () => {
  /** What bash offers after `words` with the cursor on the last one. */
  const complete = async (words: string[]): Promise<string[]> => {
    const script = (await keelson(['completion', 'bash'], ROOT)).stdout;
    const line = `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _keelson; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await run('bash', ['-c', `${script}\n${line}`], { cwd: ROOT });
    return stdout.split('\n').filter(Boolean);
  };

  it('offers commands, then the chosen command\'s own flags', async () => {
    expect(await complete(['keelson', 'ge'])).toEqual(['get']);
    expect(await complete(['keelson', 're'])).toEqual(['retry', 'restart', 'rehearse']);
    expect(await complete(['keelson', 'get', '--ou'])).toEqual(['--output']);
    expect(await complete(['keelson', 'promote', '--'])).toContain('--override-window');
    expect(await complete(['keelson', 'wait', '--'])).not.toContain('--override-window');
  });

  it('gives zsh the same completion through bashcompinit, and refuses other shells with exit 2', async () => {
    const bash = (await keelson(['completion', 'bash'], ROOT)).stdout;
    const zsh = await keelson(['completion', 'zsh'], ROOT);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout.split('\n')[0]).toBe('#compdef keelson');
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain(bash.slice(bash.indexOf('_keelson()')));
    const fish = await keelson(['completion', 'fish'], ROOT);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toContain('Allowed choices are bash, zsh');
  });
});

describe('the package npm would publish', () => {
  let work: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-pack-'));
    // dist/ is built by global-setup.ts; --ignore-scripts skips prepack's second build.
    const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, packed?.filename ?? '');
    files = packed?.files.map((f) => f.path) ?? [];
  }, 120_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('holds the command, the compiled code, the schemas, the examples, README and LICENSE, and no sources or tests', () => {
    for (const file of ['bin/keelson.js', 'dist/src/cli/main.js', 'schemas/release.schema.json', 'manifests/examples/aep-backend-canary.yaml', 'manifests/sim/world.yaml', 'README.md', 'LICENSE', 'package.json', 'web/index.html', 'web/app.js', 'web/style.css']) {
      expect(files, file).toContain(file);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs into an empty folder and runs from there', async () => {
    const home = join(work, 'elsewhere');
    await run('mkdir', ['-p', home]);
    await npm(['init', '-y'], home);
    await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], home);
    const bin = join(home, 'node_modules', '.bin', 'keelson');
    const version = await run(bin, ['--version'], { cwd: home, env: cleanEnv() });
    expect(version.stdout.trim()).toBe(await packageVersion());
    const validate = await run(bin, ['validate', 'node_modules/keelson/manifests/examples'], { cwd: home, env: cleanEnv() });
    expect(validate.stdout).toContain('ok  node_modules/keelson/manifests/examples/aep-backend-canary.yaml (1 Release)');
    const help = await run(bin, ['--help'], { cwd: home, env: cleanEnv() });
    expect(help.stdout).toContain('Usage: keelson');
    // The dashboard's page and the vendored modules, found where the installed package keeps them.
    const script = `const { DashboardAssets } = await import('keelson/dist/src/server/dashboard-assets.js');
const assets = new DashboardAssets();
const sizes = {};
for (const name of ['index.html', 'app.js', 'vendor/preact.mjs', 'vendor/htm-preact.mjs', 'vendor/uplot.mjs']) sizes[name] = (await assets.asset(name)).body.length;
console.log(JSON.stringify(sizes));`;
    const dashboard = await run('node', ['--input-type=module', '-e', script], { cwd: home, env: cleanEnv() });
    const sizes = JSON.parse(dashboard.stdout) as Record<string, number>;
    expect(Object.values(sizes).every((n) => n > 100), dashboard.stdout).toBe(true);
  }, 300_000);
});
