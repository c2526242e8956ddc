import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, type Release, type ReleaseStatus } from '../../src/api/types.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { MemoryStateStore } from '../../src/store/memory.js';
import { BINARY, cleanEnv, demoStatuses, keelson, tempFolder, writeStatuses } from './support/keelson.js';

const MANY = 1_200;

/**
 * Forwards every request to `target` and remembers its path: how many requests a command made.
 * `beforeTable`: answers `view=table` as a server from before that view did.
 */
async function countingProxy(target: string, beforeTable = false): Promise<{ url: string; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (beforeTable && req.url?.includes('view=table')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InvalidParameter', parameter: 'view', message: 'view: "table" is not summary or full' } }));
      return;
    }
    const upstream = request(`${target}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths, server };
}

const labelsOf = (i: number): Record<string, string> => ({ team: i % 3 === 0 ? 'aep' : 'rastup', env: i % 2 === 0 ? 'prod' : 'staging' });
const nameOf = (i: number): string => `svc-${String(i).padStart(4, '0')}`;

describe('keelson get releases --server: one request for many Releases', () => {
  let api: RunningHttpServer;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let dir: string;
  let remove: () => Promise<void>;
  const statuses = new Map<string, ReleaseStatus>();

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
    const store = new MemoryStateStore();
    const clock = new VirtualClock('2026-03-01T12:00:00Z');
    const lease = await store.acquire('keelson', 'test', 60_000, clock.now());
    for (let i = 0; i < MANY; i++) {
      const status: ReleaseStatus = {
        phase: i % 10 === 0 ? 'Degraded' : 'Healthy',
        stableRevision: `${nameOf(i)}:3`,
        desiredRevision: `${nameOf(i)}:${i % 10 === 0 ? 4 : 3}`,
        blockedRevision: i % 10 === 0 ? `${nameOf(i)}:4` : null,
        weights: { blue: 0, green: 100 },
        conditions: [{ type: 'Ready', status: 'True', reason: 'Promoted', message: '', lastTransitionTime: '2026-03-01T11:00:00.000Z' }],
      };
      statuses.set(nameOf(i), status);
      await store.putStatus(nameOf(i), status, { lease: 'keelson', token: lease!.token });
    }
    api = await startHttpServer({
      port: 0,
      store,
      clock,
      controller: {
        enqueue: () => {},
        names: () => [...statuses.keys()],
        sources: () => [],
        labels: (name) => (statuses.has(name) ? labelsOf(Number(name.slice(4))) : undefined),
      },
      metrics: new ControllerMetrics(),
      ready: () => ({ ready: true, reason: 'test' }),
      logger: pino({ level: 'silent' }),
    });
    proxy = await countingProxy(`http://127.0.0.1:${api.port}`);
  });
  afterAll(async () => {
    proxy.server.close();
    await api.close();
    await remove();
  });

  it(`prints the table of ${MANY} Releases from one list request`, async () => {
    proxy.paths.length = 0;
    const { code, stdout, stderr } = await keelson(['get', 'releases', '--server', proxy.url], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(proxy.paths).toEqual(['/api/v1/releases?view=table&limit=5000']);
    const rows = stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    expect(rows).toHaveLength(MANY + 1);
    expect(rows[0]).toEqual(['NAME', 'PHASE', 'STEP', 'WEIGHTS', 'STABLE → DESIRED', 'AGE']);
    // AGE on the server's (virtual) clock: an hour since the condition changed.
    expect(rows[1]).toEqual(['svc-0000', 'Degraded', '-', 'blue 0% / green 100%', 'svc-0000:3 → svc-0000:4 (blocked svc-0000:4)', '1h']);
    expect(rows[2]).toEqual(['svc-0001', 'Healthy', '-', 'blue 0% / green 100%', 'svc-0001:3 → svc-0001:3', '1h']);
  });

  it('makes the same rows from the summaries of a server that has no table view', async () => {
    const old = await countingProxy(`http://127.0.0.1:${api.port}`, true);
    try {
      const [now, before] = await Promise.all([keelson(['get', 'releases', '--server', proxy.url], dir), keelson(['get', 'releases', '--server', old.url], dir)]);
      expect(before.stderr).toBe('');
      expect(before.code).toBe(0);
      expect(old.paths).toEqual(['/api/v1/releases?view=table&limit=5000', '/api/v1/releases?view=summary&limit=5000']);
      // AGE is the one cell the CLI counts on its own clock from a summary.
      const withoutAge = (text: string): string[] => text.trimEnd().split('\n').map((l) => l.split(/\s{2,}/).slice(0, 5).join('|'));
      expect(withoutAge(before.stdout)).toEqual(withoutAge(now.stdout));
    } finally {
      old.server.close();
    }
  });

  it('ends quietly when its reader goes away, as `| head` does', async () => {
    const child = spawn(process.execPath, [BINARY, 'get', 'releases', '--server', proxy.url], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then close the pipe with most of the table unread.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints whole statuses with -o json from one request', async () => {
    proxy.paths.length = 0;
    const { code, stdout } = await keelson(['get', 'releases', '-o', 'json', '--server', proxy.url], dir);
    expect(code).toBe(0);
    expect(proxy.paths).toEqual(['/api/v1/releases?view=full&limit=5000']);
    expect(JSON.parse(stdout)).toEqual({
      apiVersion: 'v1',
      kind: 'List',
      metadata: {},
      items: [...statuses].map(([name, status]) => ({ apiVersion: API_VERSION, kind: 'Release', metadata: { name }, status })),
    });
  });

  it('lets the server apply -l and --phase, still in one request', async () => {
    proxy.paths.length = 0;
    const { code, stdout } = await keelson(['get', 'releases', '-l', 'team=aep,env in (prod)', '--phase', 'Degraded', '--server', proxy.url], dir);
    expect(code).toBe(0);
    expect(proxy.paths).toHaveLength(1);
    const query = new URL(proxy.paths[0]!, 'http://x').searchParams;
    expect([query.get('labelSelector'), query.get('phase')]).toEqual(['team=aep,env in (prod)', 'Degraded']);
    const names = stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
    // team=aep: i % 3 == 0; prod: i % 2 == 0; Degraded: i % 10 == 0 → every 30th.
    expect(names).toEqual(Array.from({ length: MANY / 30 }, (_, k) => nameOf(k * 30)));
  });

  it('describes every selected Release from one request', async () => {
    proxy.paths.length = 0;
    const { code, stdout } = await keelson(['describe', 'release', '-l', 'team=aep', '--phase', 'Degraded', '--server', proxy.url], dir);
    expect(code).toBe(0);
    expect(proxy.paths).toHaveLength(1);
    expect(stdout.split('\n').filter((l) => l.startsWith('Name:'))).toHaveLength(MANY / 30);
  });

  it('refuses a bad selector as a usage error before asking the server', async () => {
    proxy.paths.length = 0;
    const { code, stderr } = await keelson(['get', 'releases', '-l', 'env in prod', '--server', proxy.url], dir);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('keelson: -l: expected "(", found "prod" at position 7');
    expect(proxy.paths).toEqual([]);
  });
});

describe('keelson get releases -l against a state folder', () => {
  let dir: string;
  let remove: () => Promise<void>;
  const state = (): string[] => ['--state', `dir:${join(dir, 'state')}`];

  beforeAll(async () => {
    ({ dir, remove } = await tempFolder());
    const store = await writeStatuses(join(dir, 'state'), await demoStatuses('50m'));
    // The controller keeps each Release's last spec in the store; its labels select it here.
    const lease = await store.acquire('keelson-controller', 'test', 60_000, 0);
    const labels: Record<string, Record<string, string>> = {
      'aep-backend-prod': { team: 'aep', env: 'prod' },
      'aep-frontend-prod': { team: 'aep', env: 'prod', tier: 'web' },
      'web-prod': { team: 'web', env: 'prod' },
    };
    for (const [name, l] of Object.entries(labels)) {
      const release = { metadata: { name, labels: l } } as Release;
      await store.putLastKnownSpec({ source: 'dir:releases', release, generation: 1, sourceRevision: 'r1' }, { lease: lease!.name, token: lease!.token });
    }
  });
  afterAll(() => remove());

  it('selects by the labels of the last known specs, and names the Release whose labels are unknown', async () => {
    const { code, stdout, stderr } = await keelson(['get', 'releases', '-l', 'team=aep,tier!=web', ...state()], dir);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['aep-backend-prod']);
    expect(stderr.trim()).toBe('keelson: 1 Release(s) left out because their labels are not known (no spec kept for them): rastup-api-prod');
  });

  it('filters by phase without reading labels', async () => {
    const { code, stdout, stderr } = await keelson(['get', 'releases', '--phase', 'Degraded', ...state()], dir);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['aep-backend-prod']);
  });

  it('refuses a name together with -l, and an unknown phase', async () => {
    const [both, phase] = await Promise.all([
      keelson(['get', 'releases', 'web-prod', '-l', 'team=web', ...state()], dir),
      keelson(['get', 'releases', '--phase', 'Sleeping', ...state()], dir),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('keelson: give a Release name or -l/--phase, not both');
    expect(phase.code).toBe(2);
    expect(phase.stderr).toContain('--phase: "Sleeping" is not a phase');
  });
});
