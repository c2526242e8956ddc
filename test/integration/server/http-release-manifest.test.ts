// The spec beside the status: what `keelson get -o yaml --server` prints and `describe` numbers steps by.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import type { Release, ReleaseStatus } from '../../../src/api/types.js';
import { errorCode, LEASE, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

async function example(): Promise<Release> {
  const file = new URL('../../../manifests/examples/aep-backend-canary.yaml', import.meta.url);
  const release = parseReleases(await readFile(file, 'utf8'), 'aep-backend-canary.yaml').releases[0]?.release;
  if (!release) throw new Error('the example does not parse');
  return release;
}

const status: ReleaseStatus = { phase: 'Progressing', currentStepIndex: 1, weights: { blue: 90, green: 10 } };

describe('the manifest in the Release API', () => {
  it('GET /api/v1/releases/{name}?view=full adds apiVersion, kind, metadata and spec from the store; without view, the answer is as before', async () => {
    h = await startHarness();
    const release = await example();
    const name = release.metadata.name;
    await h.putStatus(name, status);
    const lease = await h.store.acquire(LEASE, 'test', 60_000, h.clock.now());
    await h.store.putLastKnownSpec({ source: 'dir:releases', release, generation: 1, sourceRevision: 'r1' }, { lease: LEASE, token: lease!.token });

    const full = (await (await fetch(`${h.url}/api/v1/releases/${name}?view=full`)).json()) as Record<string, unknown>;
    expect(full).toEqual({ name, status, pendingOperations: [], release: { apiVersion: release.apiVersion, kind: 'Release', metadata: release.metadata, spec: release.spec } });
    expect(await (await fetch(`${h.url}/api/v1/releases/${name}`)).json()).toEqual({ name, status, pendingOperations: [] });

    const bad = await fetch(`${h.url}/api/v1/releases/${name}?view=summary`);
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('InvalidParameter');

    // The list: the summary counts the steps (the example's six, and the implied 100%); view=full carries the manifest.
    const summary = (await (await fetch(`${h.url}/api/v1/releases`)).json()) as { releases: { name: string; step: number; steps: number }[] };
    expect(summary.releases).toEqual([expect.objectContaining({ name, step: 1, steps: 7 })]);
    const listed = (await (await fetch(`${h.url}/api/v1/releases?view=full`)).json()) as { releases: { release: unknown }[] };
    expect(listed.releases[0]?.release).toEqual({ apiVersion: release.apiVersion, kind: 'Release', metadata: release.metadata, spec: release.spec });
  });

  it('prefers the spec the controller holds, and answers null when no spec is known', async () => {
    const release = await example();
    const held = { ...release, spec: { ...release.spec, replicas: 5 } };
    h = await startHarness({
      controller: { enqueue: () => {}, names: () => [release.metadata.name], sources: () => [], release: (n) => (n === release.metadata.name ? held : undefined) },
    });
    await h.putStatus(release.metadata.name, status);
    await h.putStatus('orphan', { phase: 'Healthy' });
    const one = (await (await fetch(`${h.url}/api/v1/releases/${release.metadata.name}?view=full`)).json()) as { release: { spec: { replicas: number } } };
    expect(one.release.spec.replicas).toBe(5);
    const orphan = (await (await fetch(`${h.url}/api/v1/releases/orphan?view=full`)).json()) as { release: unknown };
    expect(orphan.release).toBeNull();
  });
});
