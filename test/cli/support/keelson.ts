// Runs the built binary (dist/src/cli/main.js, built by global-setup.ts) as a child process, in a
// temporary folder of its own: never the repository's ./releases or ./.keelson.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { DirStateStore } from '../../../src/store/dir-store.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BINARY = join(ROOT, 'dist/src/cli/main.js');
export const EXAMPLES = join(ROOT, 'manifests/examples');
export const AEP_EXAMPLE = join(EXAMPLES, 'aep-backend-canary.yaml');

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without anything that would point keelson elsewhere (a config, a server, AWS). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('KEELSON_') || key.startsWith('AWS_')) delete env[key];
  return env;
}

/** `keelson ...args` in `cwd`; resolves with the exit code and both streams, whatever the code. `env`: variables added to the clean environment. */
export function keelson(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BINARY, ...args], { cwd, env: { ...cleanEnv(), ...env }, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** A long-running `keelson ...args` (run, wait), with its output gathered as it comes. */
export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line that `matches`, or fails when the process ends first. */
  line(matches: (line: string) => boolean): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function start(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BINARY, ...args], { cwd, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { matches: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  // Only whole lines: a chunk may end in the middle of one.
  const lines = (): string[] => out.split('\n').slice(0, -1);
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) {
      const found = lines().find((l) => w.matches(l));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line: (matches) =>
      new Promise((resolve, reject) => {
        const found = lines().find(matches);
        if (found !== undefined) return resolve(found);
        waiters.push({ matches, resolve });
        void exited.then(({ code }) => reject(new Error(`keelson exited (${code}) first:\n${out}\n${err}`)));
      }),
  };
}

/** A fresh folder for one test; removed by the returned function. */
export async function tempFolder(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-cli-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` with its content, to show that a command wrote nothing. */
export async function folderContents(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: Record<string, string> = {};
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out[path.slice(dir.length)] = await readFile(path, 'utf8');
  }
  return out;
}

/**
 * Statuses of the example Releases in the demo rehearsal (`keelson rehearse --world
 * manifests/sim/world.yaml --releases manifests/examples --until T -o json`, `.releases[].status`):
 * at 5m all are rolling out; at 39m all are Healthy; at 50m aep-backend-prod:13 was reverted.
 * Recorded from an earlier demo, before its approval gate and web-staging: they stand for the state
 * files an earlier keelson wrote, and are not rewritten with each change to the demo.
 */
export async function demoStatuses(at: '5m' | '39m' | '50m'): Promise<Record<string, ReleaseStatus>> {
  const file = join(ROOT, `test/fixtures/cli/demo-statuses-at-${at}.json`);
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, ReleaseStatus>;
}

/** Writes statuses into a state folder as the controller does: through DirStateStore, under its lease. */
export async function writeStatuses(stateDir: string, statuses: Record<string, ReleaseStatus>): Promise<DirStateStore> {
  const store = new DirStateStore({ folder: stateDir });
  const lease = await store.acquire('keelson-controller', 'test', 60_000, 0);
  if (!lease) throw new Error('could not take the lease of the test state folder');
  for (const [name, status] of Object.entries(statuses)) await store.putStatus(name, status, { lease: lease.name, token: lease.token });
  return store;
}

/** A temporary folder whose releases/ holds the AEP example: the source of a `keelson run`. */
export async function folderWithAepRelease(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const folder = await tempFolder();
  await mkdir(join(folder.dir, 'releases'));
  await copyFile(AEP_EXAMPLE, join(folder.dir, 'releases/aep-backend-prod.yaml'));
  return folder;
}

/** Stops a keelson that still runs, with `signal`, and waits for it to exit. */
export async function stopRunning(running: Running | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill(signal);
  await running.exited;
}
