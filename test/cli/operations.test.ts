import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirStateStore } from '../../src/store/dir-store.js';
import { demoStatuses, keelson, tempFolder, writeStatuses } from './support/keelson.js';

describe('keelson promote / abort / retry append operations to the state folder', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let store: DirStateStore;
  const state = (): string[] => ['--state', `dir:${join(dir, 'state')}`];

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
    const at5m = await demoStatuses('5m');
    store = await writeStatuses(join(dir, 'state'), { 'aep-backend-prod': at5m['aep-backend-prod']! });
  });
  afterAll(() => remove());

  // Against the store itself, who asks is the OS user, marked local: (nothing authenticated it).
  const me = `local:${userInfo().username}`;

  it('records each operation in order, with its kind, sequence number and who asked', async () => {
    const asked: [string[], string][] = [
      [['promote', 'aep-backend-prod'], `promote requested for aep-backend-prod by ${me} (operation #1)`],
      [['promote', 'aep-backend-prod', '--full'], `promoteFull requested for aep-backend-prod by ${me} (operation #2)`],
      [['abort', 'aep-backend-prod'], `abort requested for aep-backend-prod by ${me} (operation #3)`],
      [['retry', 'aep-backend-prod'], `retry requested for aep-backend-prod by ${me} (operation #4)`],
    ];
    // One after the other: the sequence numbers are the order they were asked in.
    for (const [args, said] of asked) {
      const { code, stdout, stderr } = await keelson([...args, ...state()], dir);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(said);
    }
    const ops = await store.listOperations('aep-backend-prod', 0);
    expect(ops.map((o) => [o.seq, o.kind, o.requestedBy, o.requestedVia, o.release])).toEqual([
      [1, 'promote', me, 'local', 'aep-backend-prod'],
      [2, 'promoteFull', me, 'local', 'aep-backend-prod'],
      [3, 'abort', me, 'local', 'aep-backend-prod'],
      [4, 'retry', me, 'local', 'aep-backend-prod'],
    ]);
    expect(ops.every((o) => Number.isFinite(o.requestedAt) && o.requestedAt > 0)).toBe(true);
  });

  it('exits 1 for a Release it does not know, and records nothing for it', async () => {
    const { code, stdout, stderr } = await keelson(['promote', 'aep-backend-staging', ...state()], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('keelson: release aep-backend-staging not found');
    expect(await store.listOperations('aep-backend-staging', 0)).toEqual([]);
  });

  it('refuses --by, saying who is recorded instead, and records nothing', async () => {
    const { code, stderr } = await keelson(['abort', 'aep-backend-prod', '--by', 'ana', ...state()], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('--by is no longer accepted');
    expect((await store.listOperations('aep-backend-prod', 0)).length).toBe(4);
  });
});
