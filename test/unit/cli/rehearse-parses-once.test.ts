// `keelson rehearse` and the demo read the manifests once and parse each file once: the rehearsal,
// the world's check of the names and the final table all use that one parse.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as load from '../../../src/api/load.js';
import { manifestsByName, readManifests } from '../../../src/cli/commands/rehearse.js';
import { rehearse } from '../../../src/rehearse/rehearse.js';
import { loadWorld } from '../../../src/sim/world-loader.js';

vi.mock('../../../src/api/load.js', async (importOriginal) => {
  const original = await importOriginal<typeof load>();
  return { ...original, parseReleases: vi.fn(original.parseReleases) };
});

const EXAMPLES = join(import.meta.dirname, '../../../manifests/examples');

describe('a rehearsal of manifest files', () => {
  it('parses each manifest file once, for the rehearsal and the table alike', { timeout: 60_000 }, async () => {
    const parses = vi.mocked(load.parseReleases);
    const world = await loadWorld(join(import.meta.dirname, '../../../manifests/sim/world.yaml'));
    parses.mockClear();
    const releases = await readManifests([EXAMPLES]);
    const parsedFiles = (): string[] => parses.mock.calls.map(([, file]) => file).filter((file) => file.startsWith(EXAMPLES));
    expect(parsedFiles()).toEqual(releases.map((m) => m.file));
    expect(releases.length).toBeGreaterThan(1);

    const result = await rehearse({ world, releases, untilMs: 60_000, http: false });
    const specs = await manifestsByName(releases);
    expect(result.releases.length).toBeGreaterThan(0);
    for (const r of result.releases) expect(specs.has(r.name), r.name).toBe(true);
    expect(parsedFiles()).toEqual(releases.map((m) => m.file));
  });
});
