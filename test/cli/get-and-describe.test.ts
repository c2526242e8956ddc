import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeStatus } from '../../src/api/status-upgrade.js';
import { API_VERSION, type ReleaseStatus } from '../../src/api/types.js';
import { demoStatuses, keelson, tempFolder, writeStatuses } from './support/keelson.js';

describe('keelson get releases / describe release against a state folder', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let statuses: Record<string, ReleaseStatus>;
  const state = (): string[] => ['--state', `dir:${join(dir, 'state')}`];

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
    // After the demo's bad revision: aep-backend-prod Degraded (13 reverted), the others Healthy.
    statuses = await demoStatuses('50m');
    await writeStatuses(join(dir, 'state'), statuses);
  });
  afterAll(() => remove());

  it('lists every Release in a table: phase, weights, stable → desired and the blocked revision', async () => {
    const { code, stdout, stderr } = await keelson(['get', 'releases', ...state()], dir);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const rows = stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(['NAME', 'PHASE', 'STEP', 'WEIGHTS', 'STABLE → DESIRED', 'AGE']);
    // AGE counts from the statuses' times to the wall clock, so it is left out here.
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['aep-backend-prod', 'Degraded', '-', 'blue 0% / green 100%', 'aep-backend-prod:12 → aep-backend-prod:13 (blocked aep-backend-prod:13)'],
      ['aep-frontend-prod', 'Healthy', '-', '-', 'aep-frontend-prod:8 → aep-frontend-prod:8'],
      ['rastup-api-prod', 'Healthy', '-', 'blue 0% / green 100%', 'rastup-api:24 → rastup-api:24'],
      ['web-prod', 'Healthy', '-', 'blue 0% / green 100%', 'web:42 → web:42'],
    ]);
  });

  it('prints whole objects as kubectl does with -o json and -o yaml: a List of items, each with its status as stored', async () => {
    // The fixtures were written by an earlier keelson: they are read, and printed, in today's shape.
    // No source and no kept spec holds these Releases: they are printed without spec, and said so.
    const item = (name: string) => ({ apiVersion: API_VERSION, kind: 'Release', metadata: { name }, status: upgradeStatus(statuses[name] as ReleaseStatus) });
    const expected = { apiVersion: 'v1', kind: 'List', metadata: {}, items: Object.keys(statuses).sort().map(item) };
    const [json, yaml, one] = await Promise.all([
      keelson(['get', 'releases', '-o', 'json', ...state()], dir),
      keelson(['get', 'releases', '-o', 'yaml', ...state()], dir),
      keelson(['get', 'release', 'aep-backend-prod', '-o', 'json', ...state()], dir),
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    expect(json.stderr.trim()).toBe(`keelson: printed without spec (not in the sources, none kept in the state store): ${Object.keys(statuses).sort().join(', ')}`);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(expected);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual(item('aep-backend-prod'));
  });

  it('describes a reverted Release: revisions, weights, health, the revert evidence and the history', async () => {
    const { code, stdout } = await keelson(['describe', 'release', 'aep-backend-prod', ...state()], dir);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Name:              aep-backend-prod',
        'Phase:             Degraded',
        'Stable revision:   aep-backend-prod:12 (green)',
        'Desired revision:  aep-backend-prod:13',
        'Blocked revision:  aep-backend-prod:13',
        'Weights:           blue 0% / green 100%',
        'Generation:        2',
        'Last revert:',
        '  reverted aep-backend-prod:13 at 2026-03-02T09:43:15.000Z',
        '    condition: alarm threshold OK, failing for 15s',
        '    failing since: 2026-03-02T09:43:00.000Z',
        '  2026-03-02T09:37:00.000Z  Promoted   aep-backend-prod:11 → aep-backend-prod:12',
      ]),
    );
    expect(lines.find((l) => l.startsWith('  alarm '))).toMatch(/^ {2}alarm\s+Failing\s+- \(OK\)\s+alarm aep-backend-5xx is in ALARM/);
    expect(lines.find((l) => l.includes('Reverted'))).toMatch(/^ {2}2026-03-02T09:43:15.000Z {2}Reverted {3}aep-backend-prod:12 → aep-backend-prod:13: alarm: /);
    // The reverted entry comes first: newest at the top.
    expect(stdout.indexOf('Reverted   aep-backend-prod:12')).toBeLessThan(stdout.indexOf('Promoted   aep-backend-prod:11'));
  });

  it('describes the old colour kept warm after a promotion, from a state folder an earlier keelson wrote', async () => {
    const { code, stdout } = await keelson(['describe', 'release', 'web-prod', ...state()], dir);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toContain('Warm colour:       blue on web:41 until 2026-03-03T09:26:30.000Z');
  });

  it('exits 1 when the named Release has no status', async () => {
    const [get, describeIt] = await Promise.all([
      keelson(['get', 'releases', 'aep-backend-staging', ...state()], dir),
      keelson(['describe', 'release', 'aep-backend-staging', ...state()], dir),
    ]);
    for (const outcome of [get, describeIt]) {
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr.trim()).toBe('keelson: release aep-backend-staging not found');
    }
  });

  it('exits 2 on a kind it does not know', async () => {
    const [get, describeIt] = await Promise.all([
      keelson(['get', 'pods', ...state()], dir),
      keelson(['describe', 'service', 'aep-backend-blue', ...state()], dir),
    ]);
    expect(get.code).toBe(2);
    expect(get.stderr).toContain('unknown kind "pods" (use: releases)');
    expect(describeIt.code).toBe(2);
    expect(describeIt.stderr).toContain('unknown kind "service" (use: release)');
  });

  it('explains itself when the kind is left out: usage, arguments and examples, exit 2', async () => {
    const { code, stdout, stderr } = await keelson(['get', ...state()], dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("error: missing required argument 'kind'");
    expect(stderr).toContain('Usage: keelson get [options] <kind> [name]');
    expect(stderr).toContain('keelson get releases aep-backend-prod -o yaml');
  });
});
