import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Release, ReleaseStatus } from '../../../src/api/types.js';
import type { ReleaseFull, ReleaseListBody, ReleaseSummary } from '../../../src/server/releases.js';
import { SPECS_READ_BY_NAME_AT_MOST } from '../../../src/server/release-specs.js';
import { LEASE, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

const healthy = (name: string): ReleaseStatus => ({
  phase: 'Healthy',
  stableRevision: `${name}:3`,
  desiredRevision: `${name}:3`,
  conditions: [{ type: 'Ready', status: 'True', reason: 'Promoted', message: '', lastTransitionTime: '2026-03-01T11:00:00.000Z' }],
  history: [{ revision: `${name}:3`, result: 'Promoted', startedAt: '2026-03-01T10:50:00Z', finishedAt: '2026-03-01T11:00:00Z' }],
});

async function list<T = ReleaseSummary>(query = ''): Promise<ReleaseListBody<T>> {
  const res = await fetch(`${h.url}/api/v1/releases${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ReleaseListBody<T>;
}

/** Follows `continue` to the end; `between` runs before each next page. */
async function allPages(query: string, between: (page: number) => Promise<void> = async () => {}): Promise<{ names: string[]; requests: number }> {
  const names: string[] = [];
  let token: string | undefined;
  let requests = 0;
  do {
    if (requests > 0) await between(requests);
    const page = await list(`?${query}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    requests++;
    names.push(...page.releases.map((r) => r.name));
    token = page.continue;
  } while (token);
  return { names, requests };
}

/** A small seeded generator (mulberry32): the same seed, the same names. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('GET /api/v1/releases: status in the list', () => {
  it('gives each Release its summary and labels, and with view=full its whole status', async () => {
    h = await startHarness();
    await h.putStatus('web', healthy('web'));
    h.held.push('web', 'worker');
    h.labels.web = { team: 'aep', env: 'prod' };
    const summary = await list();
    expect(summary.releases).toEqual([
      expect.objectContaining({ name: 'web', phase: 'Healthy', stableRevision: 'web:3', labels: { team: 'aep', env: 'prod' }, firstTransitionTime: '2026-03-01T11:00:00.000Z' }),
      expect.objectContaining({ name: 'worker', phase: 'Pending', message: 'not reconciled yet', labels: {} }),
    ]);
    expect(summary.continue).toBeUndefined();
    const full = await list<ReleaseFull>('?view=full');
    expect(full.releases).toEqual([
      // The stand-in controller shows no spec: release is null.
      { name: 'web', labels: { team: 'aep', env: 'prod' }, status: healthy('web'), release: null },
      { name: 'worker', labels: {}, status: { phase: 'Pending', message: 'not reconciled yet' }, release: null },
    ]);
  });

  it('reads every status with one store read, and no last known spec when the controller knows every label', async () => {
    h = await startHarness();
    for (let i = 0; i < 300; i++) {
      const name = `svc-${String(i).padStart(4, '0')}`;
      await h.putStatus(name, healthy(name));
      h.held.push(name);
    }
    const calls = { listStatuses: 0, readStatuses: 0, getStatus: 0, listLastKnownSpecs: 0 };
    for (const method of Object.keys(calls) as (keyof typeof calls)[]) {
      const original = h.store[method].bind(h.store) as (...args: unknown[]) => Promise<unknown>;
      (h.store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        calls[method]++;
        return original(...args);
      };
    }
    expect((await list('?labelSelector=!legacy')).releases).toHaveLength(300);
    // The memory store lends its own frozen statuses to the list: read once, nothing copied.
    expect(calls).toEqual({ listStatuses: 0, readStatuses: 1, getStatus: 0, listLastKnownSpecs: 0 });
  });

  it('reads the kept specs of a few Releases gone from their source by name, and of many at once', async () => {
    h = await startHarness();
    const lease = await h.store.acquire(LEASE, 'test', 60_000, h.clock.now());
    const fence = { lease: LEASE, token: lease!.token };
    const orphan = (i: number): string => `gone-${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 200; i++) {
      const name = `svc-${String(i).padStart(4, '0')}`;
      await h.putStatus(name, healthy(name));
      h.held.push(name);
      h.labels[name] = { team: 'aep' };
    }
    const orphans = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        await h.putStatus(orphan(i), { phase: 'Orphaned' as ReleaseStatus['phase'] });
        await h.store.putLastKnownSpec({ source: 'dir:releases', generation: 1, sourceRevision: 'r1', release: { metadata: { name: orphan(i), labels: { team: 'gone' } } } as unknown as Release }, fence);
      }
    };
    const calls = { listLastKnownSpecs: 0, readLastKnownSpec: 0 };
    for (const method of Object.keys(calls) as (keyof typeof calls)[]) {
      const original = h.store[method].bind(h.store) as (...args: unknown[]) => Promise<unknown>;
      (h.store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        calls[method]++;
        return original(...args);
      };
    }
    await orphans(3);
    const few = await list('?labelSelector=team%3Dgone&limit=5000');
    expect(few.releases.map((r) => r.name)).toEqual([orphan(0), orphan(1), orphan(2)]);
    // Labels and steps of one list share the reads: each orphan's spec is read once, by name.
    expect(calls).toEqual({ listLastKnownSpecs: 0, readLastKnownSpec: 3 });
    await orphans(SPECS_READ_BY_NAME_AT_MOST + 1);
    calls.readLastKnownSpec = 0;
    expect((await list('?labelSelector=team%3Dgone&limit=5000')).releases).toHaveLength(SPECS_READ_BY_NAME_AT_MOST + 1);
    expect(calls).toEqual({ listLastKnownSpecs: 1, readLastKnownSpec: 0 });
  });
});

describe('GET /api/v1/releases: pages', () => {
  it('cuts pages at limit, in name order, and ends with no continue', async () => {
    h = await startHarness();
    h.held.push(...['e', 'a', 'd', 'c', 'b']);
    const first = await list('?limit=2');
    expect(first.releases.map((r) => r.name)).toEqual(['a', 'b']);
    expect(first.continue).toEqual(expect.any(String));
    const { names, requests } = await allPages('limit=2');
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(requests).toBe(3);
    // Exactly `limit` Releases: one page, no token to a page that would be empty.
    expect((await list('?limit=5')).continue).toBeUndefined();
  });

  it('neither skips nor repeats a Release while others are added between pages', async () => {
    const seed = Number(process.env.LIST_SEED ?? 20260301);
    const random = seeded(seed);
    h = await startHarness();
    const word = (): string => Array.from({ length: 3 }, () => 'abcdefghij'[Math.floor(random() * 10)]).join('');
    const original = new Set<string>();
    while (original.size < 40) original.add(word());
    h.held.push(...original);
    const added: string[] = [];
    const { names } = await allPages('limit=7', async () => {
      for (let i = 0; i < 5; i++) {
        const name = `${word()}-new`;
        if (!h.held.includes(name)) {
          h.held.push(name);
          added.push(name);
        }
      }
    });
    const context = `seed ${seed} (LIST_SEED=${seed} repeats it)`;
    expect(new Set(names).size, context).toBe(names.length);
    expect([...names].sort(), context).toEqual(names);
    for (const name of original) expect(names, context).toContain(name);
    // An addition after the page being read shows up; one before it waits for the next list.
    expect(names.filter((n) => added.includes(n)).length, context).toBeGreaterThan(0);
  });

  it('refuses a continue token from a list with another filter, and one it never gave', async () => {
    h = await startHarness();
    h.held.push('a', 'b', 'c');
    const { continue: token } = await list('?limit=1&phase=Pending');
    for (const query of [`?limit=1&continue=${token}`, '?continue=bm90LWEtdG9rZW4', '?continue=%%%']) {
      const res = await fetch(`${h.url}/api/v1/releases${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'InvalidParameter', parameter: 'continue' }) });
    }
  });
});

describe('GET /api/v1/releases: filters', () => {
  async function labelled(): Promise<void> {
    h = await startHarness();
    const releases: Record<string, [Record<string, string>, ReleaseStatus['phase']]> = {
      'aep-backend-prod': [{ team: 'aep', tier: 'web', env: 'prod' }, 'Progressing'],
      'aep-batch-prod': [{ team: 'aep', tier: 'batch', env: 'prod' }, 'Healthy'],
      'aep-frontend-staging': [{ team: 'aep', env: 'staging' }, 'Degraded'],
      'aep-old-prod': [{ team: 'aep', env: 'prod', legacy: 'true' }, 'Healthy'],
      'aep-frontend-dev': [{ team: 'aep', env: 'dev' }, 'Healthy'],
      'rastup-api-prod': [{ team: 'rastup', env: 'prod' }, 'Degraded'],
    };
    for (const [name, [labels, phase]] of Object.entries(releases)) {
      h.held.push(name);
      h.labels[name] = labels;
      await h.putStatus(name, { phase });
    }
  }
  const names = (body: ReleaseListBody): string[] => body.releases.map((r) => r.name);

  it('selects by label: equality, inequality, sets and existence', async () => {
    await labelled();
    const selector = encodeURIComponent('team=aep,tier!=batch,env in (prod,staging),!legacy');
    expect(names(await list(`?labelSelector=${selector}`))).toEqual(['aep-backend-prod', 'aep-frontend-staging']);
    expect(names(await list(`?labelSelector=${encodeURIComponent('env notin (prod)')}`))).toEqual(['aep-frontend-dev', 'aep-frontend-staging']);
    expect(names(await list('?labelSelector=legacy'))).toEqual(['aep-old-prod']);
    expect(names(await list('?labelSelector='))).toHaveLength(6);
  });

  it('selects by phase, a comma list, together with a selector and across pages', async () => {
    await labelled();
    expect(names(await list('?phase=Degraded'))).toEqual(['aep-frontend-staging', 'rastup-api-prod']);
    expect(names(await list('?phase=Degraded,Progressing&labelSelector=team%3Daep'))).toEqual(['aep-backend-prod', 'aep-frontend-staging']);
    const { names: paged, requests } = await allPages('phase=Healthy&labelSelector=team%3Daep&limit=1');
    expect(paged).toEqual(['aep-batch-prod', 'aep-frontend-dev', 'aep-old-prod']);
    expect(requests).toBe(3);
  });

  it('answers 400 InvalidParameter naming the parameter, and the position in a bad selector', async () => {
    await labelled();
    const res = await fetch(`${h.url}/api/v1/releases?labelSelector=${encodeURIComponent('team=aep,env in prod')}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'InvalidParameter', parameter: 'labelSelector', position: 16, message: 'labelSelector: expected "(", found "prod" at position 16' },
    });
    const cases: [string, string][] = [
      ['?phase=Healthy,Sleeping', 'phase'],
      ['?limit=0', 'limit'],
      ['?limit=5001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?view=wide', 'view'],
      ['?selector=team%3Daep', 'selector'],
      ['?phase=Healthy&phase=Degraded', 'phase'],
    ];
    for (const [query, parameter] of cases) {
      const bad = await fetch(`${h.url}/api/v1/releases${query}`);
      expect(bad.status, query).toBe(400);
      const body = (await bad.json()) as { error: Record<string, unknown> };
      expect(body.error, query).toMatchObject({ code: 'InvalidParameter', parameter });
      expect(body.error.position, query).toBeUndefined();
    }
  });

  it('takes labels from the last known specs when no controller runs, and says whose labels are unknown', async () => {
    h = await startHarness({ controller: undefined });
    const lease = await h.store.acquire(LEASE, 'test', 60_000, h.clock.now());
    const fence = { lease: LEASE, token: lease!.token };
    const spec = (name: string, labels: Record<string, string>) => ({ source: 'dir:releases', generation: 1, sourceRevision: 'r1', release: { metadata: { name, labels } } as Release });
    await h.store.putLastKnownSpec(spec('api', { team: 'aep' }), fence);
    await h.store.putLastKnownSpec(spec('web', { team: 'rastup' }), fence);
    for (const name of ['api', 'web', 'broken']) await h.putStatus(name, { phase: name === 'broken' ? 'Invalid' : 'Healthy' });
    const body = await list('?labelSelector=team%3Daep');
    expect(names(body)).toEqual(['api']);
    // Not matched, not hidden: its labels are unknown, and the answer says so.
    expect(body.labelsUnknown).toEqual(['broken']);
    expect((await list()).releases.map((r) => [r.name, r.labels])).toEqual([
      ['api', { team: 'aep' }],
      ['broken', null],
      ['web', { team: 'rastup' }],
    ]);
  });
});

describe('GET /api/v1/releases: a large answer', () => {
  function raw(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('is gzipped with its content-length when the client takes gzip, and plain otherwise', async () => {
    h = await startHarness();
    for (let i = 0; i < 400; i++) h.held.push(`release-${String(i).padStart(4, '0')}`);
    const url = `${h.url}/api/v1/releases?limit=5000`;
    const zipped = await raw(url, { 'accept-encoding': 'br;q=1.0, gzip;q=0.8' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    const plain = await raw(url, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
    expect((await raw(url, { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    // A small answer is not worth compressing.
    expect((await raw(`${h.url}/api/v1/releases?limit=1`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
  });
});

describe('GET /api/v1/releases?view=table: the rows keelson get prints', () => {
  interface TableBody {
    columns: string[];
    rows: string[][];
    continue?: string;
    labelsUnknown?: string[];
  }
  async function table(query = ''): Promise<TableBody> {
    const res = await fetch(`${h.url}/api/v1/releases?view=table${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return (await res.json()) as TableBody;
  }

  it("gives the table's columns and a row per Release, AGE on the server's clock, the same rows the summaries make", async () => {
    h = await startHarness();
    await h.putStatus('web', { ...healthy('web'), phase: 'Progressing', desiredRevision: 'web:4', currentStepIndex: 1, weights: { blue: 90, green: 10 } });
    await h.putStatus('api', { ...healthy('api'), blockedRevision: 'api:4' });
    h.held.push('web', 'api', 'worker');
    const body = await table();
    expect(body.columns).toEqual(['NAME', 'PHASE', 'STEP', 'WEIGHTS', 'STABLE → DESIRED', 'AGE']);
    // The harness's clock stands at 12:00, an hour after the condition changed.
    expect(body.rows).toEqual([
      ['api', 'Healthy', '-', '-', 'api:3 → api:3 (blocked api:4)', '1h'],
      ['web', 'Progressing', '2/?', 'blue 90% / green 10%', 'web:3 → web:4', '1h'],
      ['worker', 'Pending', '-', '-', '? → ?', '-'],
    ]);
    await h.clock.advance(90_000);
    expect((await table()).rows.map((r) => r[5])).toEqual(['1h1m30s', '1h1m30s', '-']);
    // A changed status is a new row at once, though the one before was kept between requests.
    await h.putStatus('api', { ...healthy('api'), phase: 'Degraded' });
    expect((await table()).rows[0]).toEqual(['api', 'Degraded', '-', '-', 'api:3 → api:3', '1h1m30s']);
    const { summaryRow } = await import('../../../src/server/release-table.js');
    const summaries = await list();
    expect(summaries.releases.map((s) => summaryRow(s, h.clock.now()))).toEqual((await table()).rows);
  });

  it('filters, pages and binds its continue token to the table view', async () => {
    h = await startHarness();
    for (const [name, phase] of [['a', 'Healthy'], ['b', 'Degraded'], ['c', 'Healthy'], ['d', 'Healthy']] as const) {
      h.held.push(name);
      h.labels[name] = { team: name === 'd' ? 'web' : 'aep' };
      await h.putStatus(name, { phase });
    }
    const first = await table('&limit=1&phase=Healthy&labelSelector=team%3Daep');
    expect(first.rows.map((r) => r[0])).toEqual(['a']);
    const second = await table(`&limit=1&phase=Healthy&labelSelector=team%3Daep&continue=${first.continue}`);
    expect(second.rows.map((r) => r[0])).toEqual(['c']);
    expect(second.continue).toBeUndefined();
    const asSummary = await fetch(`${h.url}/api/v1/releases?limit=1&phase=Healthy&labelSelector=team%3Daep&continue=${first.continue}`);
    expect(asSummary.status).toBe(400);
    expect(await asSummary.json()).toEqual({ error: expect.objectContaining({ code: 'InvalidParameter', parameter: 'continue' }) });
  });
});
