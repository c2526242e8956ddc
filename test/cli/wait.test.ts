// `keelson wait` polls the state store on the wall clock: these are real child processes, each
// kept to about a second with a short --interval and --timeout.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import { AEP_EXAMPLE, demoStatuses, keelson, start, tempFolder, writeStatuses } from './support/keelson.js';

const AEP = 'aep-backend-prod';

describe('keelson wait NAME: the pipeline step that never reports a reverted rollout as success', () => {
  let dir: string;
  let remove: () => Promise<void>;
  const state = (): string[] => ['--state', `dir:${join(dir, 'state')}`];
  const put = async (status: ReleaseStatus | undefined): Promise<void> => {
    await writeStatuses(join(dir, 'state'), { [AEP]: status! });
  };

  beforeEach(async () => {
    ({ dir, remove } = await tempFolder());
  });
  afterEach(() => remove());

  it('exits 0 when the desired revision is stable and Healthy', async () => {
    await put((await demoStatuses('39m'))[AEP]);
    const { code, stdout, stderr } = await keelson(['wait', AEP, '--interval', '200ms', '--timeout', '5s', ...state()], dir);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe(`${AEP}: aep-backend-prod:12 is stable and healthy`);
    expect(code).toBe(0);
  });

  it('exits 1 with the revert evidence on stderr when the revision was reverted and is blocked', async () => {
    await put((await demoStatuses('50m'))[AEP]);
    const { code, stdout, stderr } = await keelson(['wait', AEP, '--interval', '200ms', '--timeout', '5s', ...state()], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^aep-backend-prod: aep-backend-prod:13 was reverted: alarm: alarm aep-backend-5xx is in ALARM/),
      'reverted aep-backend-prod:13 at 2026-03-02T09:43:15.000Z',
      '  condition: alarm threshold OK, failing for 15s',
      '  failing since: 2026-03-02T09:43:00.000Z',
    ]);
  });

  it('exits 3 when the rollout is still in progress at --timeout', async () => {
    await put((await demoStatuses('5m'))[AEP]);
    const { code, stdout, stderr } = await keelson(['wait', AEP, '--interval', '200ms', '--timeout', '1s', ...state()], dir);
    expect(code).toBe(3);
    expect(stdout.trim()).toBe(`${AEP}: Progressing: step 2/6: pause 5m to aep-backend-prod:12 (green): pause, 1m30s left`);
    expect(stderr.trim()).toBe(`${AEP}: not stable after 1s (Progressing: step 2/6: pause 5m to aep-backend-prod:12 (green): pause, 1m30s left)`);
  });

  it('keeps looking until the controller reports the revision promoted, then exits 0', async () => {
    await put((await demoStatuses('5m'))[AEP]);
    const waiting = start(['wait', AEP, '--revision', 'aep-backend-prod:12', '--interval', '100ms', '--timeout', '10s', ...state()], dir);
    await waiting.line((l) => l.startsWith(`${AEP}: Progressing`));
    await put((await demoStatuses('39m'))[AEP]);
    expect(await waiting.exited).toEqual({ code: 0, signal: null });
    expect(waiting.stdout()).toContain(`${AEP}: aep-backend-prod:12 is stable and healthy`);
  });

  it('exits 2 at once on a Release that is in none of the sources, and waits on one that is not reconciled yet', async () => {
    const source = ['--source', `dir:${join(dir, 'releases')}`];
    expect((await keelson(['apply', '-f', AEP_EXAMPLE, ...source, ...state()], dir)).code).toBe(0);
    const typo = await keelson(['wait', 'aep-backend-prd', '--interval', '100ms', '--timeout', '20s', ...source, ...state()], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe("keelson: release aep-backend-prd is not in the controller's sources");
    // In the source but without a status yet: the controller has not reached it, so wait on.
    const known = await keelson(['wait', AEP, '--interval', '100ms', '--timeout', '1s', ...source, ...state()], dir);
    expect(known.code).toBe(3);
    expect(known.stdout.trim()).toBe(`${AEP}: no status yet`);
  });

  it('waits on when a source cannot be read: only a complete look may say a Release is not there', async () => {
    const unreachable = ['--source', 'dynamodb:keelson-releases', '--endpoint', 'http://127.0.0.1:9', '--region', 'us-east-1'];
    const { code, stdout } = await keelson(['wait', 'aep-backend-prd', '--interval', '100ms', '--timeout', '1s', ...unreachable, ...state()], dir);
    expect(code).toBe(3);
    expect(stdout.trim()).toBe('aep-backend-prd: no status yet');
  });

  it('with --generation, judges only a status that has seen that generation of the spec', async () => {
    const stable = (await demoStatuses('39m'))[AEP] as ReleaseStatus;
    await put(stable);
    const seen = stable.observedGeneration ?? 0;
    const ahead = await keelson(['wait', AEP, '--generation', String(seen + 1), '--interval', '100ms', '--timeout', '1s', ...state()], dir);
    expect(ahead.code).toBe(3);
    expect(ahead.stdout.trim()).toBe(`${AEP}: controller has not seen generation ${seen + 1} yet (observed ${seen})`);
    expect((await keelson(['wait', AEP, '--generation', String(seen), '--interval', '100ms', '--timeout', '5s', ...state()], dir)).code).toBe(0);
    const bad = await keelson(['wait', AEP, '--generation', 'latest', ...state()], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--generation latest');
  });

  it('exits 2 on a --timeout that is not a duration', async () => {
    const { code, stderr } = await keelson(['wait', AEP, '--timeout', 'soon', ...state()], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('soon');
  });
});
