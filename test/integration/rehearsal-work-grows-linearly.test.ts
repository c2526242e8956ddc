// A rehearsal of twice the Releases does about twice the work, not four times: counted, not
// timed. Counted are the Releases copied out of the source by every read of it (each manifest
// applied used to start a read of all of them) and the simulated AWS calls.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rehearsalWorld } from '../../bench/support/rehearse-world.js';
import { rehearse } from '../../src/rehearse/rehearse.js';
import { MemorySource } from '../../src/sources/memory.js';

interface Work {
  sourceReads: number;
  releasesRead: number;
  awsCalls: number;
}

async function rehearsalWork(n: number): Promise<Work> {
  const work: Work = { sourceReads: 0, releasesRead: 0, awsCalls: 0 };
  const snapshot = MemorySource.prototype.snapshot;
  vi.spyOn(MemorySource.prototype, 'snapshot').mockImplementation(async function (this: MemorySource) {
    const s = await snapshot.call(this);
    work.sourceReads++;
    work.releasesRead += s.releases.length;
    return s;
  });
  const { world, releases } = rehearsalWorld(n, 2);
  const result = await rehearse({ world, releases, untilMs: 2 * 60_000, http: false });
  vi.restoreAllMocks();
  work.awsCalls = Object.values(result.awsCalls).reduce((sum, c) => sum + c, 0);
  expect(result.releases.filter((r) => r.status?.phase === 'Healthy')).toHaveLength(n);
  return work;
}

describe('a rehearsal of many Releases', () => {
  afterEach(() => vi.restoreAllMocks());

  it('does at most 2.2 times the work for twice the Releases', { timeout: 120_000 }, async () => {
    const small = await rehearsalWork(15);
    const large = await rehearsalWork(30);
    expect(large.releasesRead / small.releasesRead).toBeLessThanOrEqual(2.2);
    expect(large.awsCalls / small.awsCalls).toBeLessThanOrEqual(2.2);
    // The manifests, applied one file at a time, are read in a handful of source reads, not one each.
    expect(large.sourceReads).toBeLessThan(10);
  });
});
