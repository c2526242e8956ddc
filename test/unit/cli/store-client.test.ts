// What `keelson get` and `describe` read from the state store and the sources when no server is
// named: one Release asked for reads that Release, and a list with a selector reads the kept specs once.
import { describe, expect, it } from 'vitest';
import type { Release } from '../../../src/api/types.js';
import { storeClient } from '../../../src/cli/client.js';
import { releasesInSources } from '../../../src/cli/source-lookup.js';
import type { KeelsonConfig } from '../../../src/config/config.js';
import type { Source } from '../../../src/sources/source.js';
import { MemoryStateStore } from '../../../src/store/memory.js';
import type { StateStore } from '../../../src/store/store.js';
import { status } from '../../helpers/statuses.js';

function release(name: string, team: string, taskDefinition = `${name}:1`): Release {
  return { apiVersion: 'keelson.dev/v1alpha1', kind: 'Release', metadata: { name, labels: { team } }, spec: { cluster: 'prod', revision: { taskDefinition }, strategy: { rolling: { service: name } } } };
}

/** A memory store whose calls are counted by method. */
async function countedStore(): Promise<{ store: StateStore; calls: Record<string, number> }> {
  const inner = new MemoryStateStore();
  const fence = { lease: 'controller', token: (await inner.acquire('controller', 'a', 60_000, 0))!.token };
  for (const [name, team] of [['web', 'shop'], ['api', 'shop'], ['gone', 'ops']] as const) {
    await inner.putStatus(name, status('Healthy'), fence);
    await inner.putLastKnownSpec({ source: 'dir:releases', release: release(name, team, `${name}:kept`), generation: 1, sourceRevision: 'dir@1' }, fence);
  }
  const calls: Record<string, number> = {};
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

/** Sources holding web and api (not gone), with each read's names recorded. */
function sources(): { inSources: (names?: readonly string[]) => Promise<Map<string, Release>>; asked: (readonly string[] | undefined)[] } {
  const asked: (readonly string[] | undefined)[] = [];
  const held = new Map([['web', release('web', 'shop', 'web:2')], ['api', release('api', 'shop', 'api:2')]]);
  return {
    asked,
    inSources: async (names) => {
      asked.push(names);
      return new Map([...held].filter(([name]) => !names || names.includes(name)));
    },
  };
}

describe('storeClient', () => {
  it('describe of one Release reads its status, its operations and its spec, nothing of the others', async () => {
    const { store, calls } = await countedStore();
    const { inSources, asked } = sources();
    const client = storeClient(store, undefined, undefined, inSources, 'local:test');
    const web = await client.detail('web');
    expect(web?.release?.spec).toEqual(release('web', 'shop', 'web:2').spec);
    expect(asked).toEqual([['web']]);
    expect(calls).toEqual({ getStatus: 1, listOperations: 1 });

    // Gone from the sources: the store's kept spec of that one Release, read alone.
    const gone = await client.detail('gone');
    expect(gone?.release?.spec?.revision).toEqual({ taskDefinition: 'gone:kept' });
    expect(asked).toEqual([['web'], ['gone']]);
    expect(calls).toEqual({ getStatus: 2, listOperations: 2, readLastKnownSpec: 1 });
  });

  it('a list with a label selector reads the statuses once and each kept spec once, and asks the sources for the selected names only', async () => {
    const { store, calls } = await countedStore();
    const { inSources, asked } = sources();
    const client = storeClient(store, undefined, undefined, inSources, 'local:test');
    const listed = await client.list({ labelSelector: 'team in (shop,ops)' });
    // The labels and the spec of 'gone' (in no source) come from the same read of the kept specs.
    expect(listed.releases.map((r) => [r.name, r.release?.spec?.revision])).toEqual([
      ['api', { taskDefinition: 'api:2' }],
      ['gone', { taskDefinition: 'gone:kept' }],
      ['web', { taskDefinition: 'web:2' }],
    ]);
    // Three Releases: each kept spec read once, by name (a read of them all is for many).
    expect(calls).toEqual({ listStatuses: 1, readLastKnownSpec: 3 });
    expect(asked).toEqual([['api', 'gone', 'web']]);

    const table = await client.table({ labelSelector: 'team=ops' });
    expect(table.rows.map((r) => r[0])).toEqual(['gone']);
    // Every selected Release has a kept spec: the sources are not opened at all.
    expect(calls).toEqual({ listStatuses: 2, readLastKnownSpec: 6 });
    expect(asked).toHaveLength(1);
  });
});

describe('releasesInSources', () => {
  it('reads the sources in order only until every name asked for is found', async () => {
    const config = { sources: [{ kind: 'dir', path: 'first' }, { kind: 'dir', path: 'second' }] } as unknown as KeelsonConfig;
    const opened: string[] = [];
    const open = async (settings: { path?: string }): Promise<Source> => {
      const path = settings.path ?? '';
      opened.push(path);
      const names = path === 'first' ? ['web'] : ['api'];
      return {
        kind: 'dir',
        description: path,
        snapshot: async () => ({ revision: path, problems: [], releases: names.map((name) => ({ name, release: release(name, 'shop'), problems: [] })) }) as unknown as Awaited<ReturnType<Source['snapshot']>>,
        watch: () => () => undefined,
        close: async () => undefined,
      };
    };
    const openSource = open as unknown as Parameters<typeof releasesInSources>[2];
    expect([...(await releasesInSources(config, ['web'], openSource)).keys()]).toEqual(['web']);
    expect(opened).toEqual(['first']);
    expect([...(await releasesInSources(config, ['api'], openSource)).keys()]).toEqual(['api']);
    expect(opened).toEqual(['first', 'first', 'second']);
    expect([...(await releasesInSources(config, undefined, openSource)).keys()].sort()).toEqual(['api', 'web']);
  });
});
