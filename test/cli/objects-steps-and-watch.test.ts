// kubectl's shapes: whole objects with -o, steps numbered for people, and --watch that redraws only
// on a terminal.
import { execFile } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReleases } from '../../src/api/load.js';
import { upgradeStatus } from '../../src/api/status-upgrade.js';
import type { ReleaseStatus } from '../../src/api/types.js';
import { AEP_EXAMPLE, BINARY, cleanEnv, demoStatuses, EXAMPLES, keelson, start, tempFolder, writeStatuses } from './support/keelson.js';

describe('get and describe with the specs of the sources (the demo at 5m: rollouts under way)', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let statuses: Record<string, ReleaseStatus>;
  const local = (): string[] => ['--state', `dir:${join(dir, 'state')}`, '--source', `dir:${join(dir, 'releases')}`];

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
    statuses = await demoStatuses('5m');
    await (await writeStatuses(join(dir, 'state'), statuses)).close();
    await cp(EXAMPLES, join(dir, 'releases'), { recursive: true });
  });
  afterAll(() => remove());

  it('numbers the step 1-based out of the spec\'s steps and names both colours in the table', async () => {
    const { code, stdout } = await keelson(['get', 'releases', ...local()], dir);
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    // aep-backend-prod: approval, 10%, pause, analysis, 50%, pause and the implied 100%; at its second.
    expect(rows.find((r) => r[0] === 'aep-backend-prod')?.slice(0, 4)).toEqual(['aep-backend-prod', 'Progressing', '2/7', 'blue 90% / green 10%']);
    expect(rows.find((r) => r[0] === 'aep-frontend-prod')?.slice(2, 4)).toEqual(['-', '-']);
  });

  it('-o yaml: apiVersion, kind, metadata and spec as the source holds them, and the status', async () => {
    const { code, stdout, stderr } = await keelson(['get', 'release', 'aep-backend-prod', '-o', 'yaml', ...local()], dir);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const release = parseReleases(await readFile(AEP_EXAMPLE, 'utf8'), AEP_EXAMPLE).releases[0]?.release;
    expect(parse(stdout)).toEqual({
      apiVersion: 'keelson.dev/v1alpha1',
      kind: 'Release',
      metadata: release?.metadata,
      spec: release?.spec,
      status: upgradeStatus(statuses['aep-backend-prod'] as ReleaseStatus),
    });
    // describe -o json is the same object.
    const described = await keelson(['describe', 'release', 'aep-backend-prod', '-o', 'json', ...local()], dir);
    expect(JSON.parse(described.stdout)).toEqual(parse(stdout));
  });

  it('describe: the steps done, current and pending, the colours, and the step as 2/7', async () => {
    const { code, stdout } = await keelson(['describe', 'release', 'aep-backend-prod', ...local()], dir);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['Strategy:          canary', 'Step:              2/7', 'Steps:', 'Gates waiting:', '  (none)']));
    const steps = lines.slice(lines.indexOf('Steps:') + 1, lines.indexOf('Steps:') + 8).map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '));
    expect(steps).toEqual(['1/7 done approval', '2/7 current setWeight', '3/7 pending pause', '4/7 pending analysis', '5/7 pending setWeight', '6/7 pending pause', '7/7 pending setWeight']);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^ {2}blue +stable +aep-backend-prod:11 +90%$/), expect.stringMatching(/^ {2}green +canary +aep-backend-prod:12 +10%$/)]));
  });
});

describe('--watch', () => {
  let dir: string;
  let remove: () => Promise<void>;
  const state = (): string[] => ['--state', `dir:${join(dir, 'state')}`];

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
  });
  afterAll(() => remove());

  it('into a pipe: prints the table once, then each changed Release once, with no escape codes', async () => {
    const statuses = await demoStatuses('5m');
    const store = await writeStatuses(join(dir, 'state'), statuses);
    const running = start(['get', 'releases', '--watch', ...state()], dir);
    try {
      await running.line((l) => l.startsWith('web-prod'));
      const lease = await store.acquire('keelson-controller', 'test', 60_000, 0);
      const web = statuses['web-prod'] as ReleaseStatus;
      await store.putStatus('web-prod', { ...web, phase: 'Degraded', currentStepIndex: null }, { lease: lease!.name, token: lease!.token });
      await running.line((l) => l.startsWith('web-prod') && l.includes('Degraded'));
      const lines = running.stdout().trimEnd().split('\n');
      expect(lines.filter((l) => l.startsWith('NAME'))).toHaveLength(1);
      // Five lines of the first table, then only web-prod again.
      expect(lines.slice(5).map((l) => l.split(/\s+/)[0])).toEqual(['web-prod']);
      expect(running.stdout()).not.toContain('\x1b');
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
      await store.close();
    }
  });

  it('on a terminal (a pseudo-terminal from script): clears the screen to redraw', async () => {
    const command = `timeout 5 ${process.execPath} ${BINARY} get releases --watch --state dir:${join(dir, 'state')}`;
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { ...cleanEnv(), COLUMNS: '200' }, timeout: 20_000 }, (err, stdout) => {
        // timeout ends the watch with 124: the expected way out.
        if (err && (err as { code?: unknown }).code !== 124) reject(err);
        else resolve(stdout);
      });
      // Change a status while the watch runs, so that it redraws.
      setTimeout(() => {
        void (async () => {
          const store = await writeStatuses(join(dir, 'state'), { 'new-release': { phase: 'Pending', message: 'not reconciled yet' } });
          await store.close();
        })().catch(reject);
      }, 2_500);
      child.stdin?.end();
    });
    expect(output).toContain('NAME');
    expect(output).toContain('\x1b[2J\x1b[H');
    expect(output.slice(output.lastIndexOf('\x1b[2J\x1b[H'))).toContain('new-release');
  });
});
