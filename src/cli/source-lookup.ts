// Whether a Release is in the controller's sources at all: `keelson wait` on a misspelt name
// should say so at once rather than sit out its timeout.
import type { Release } from '../api/types.js';
import type { KeelsonConfig } from '../config/config.js';
import { openSource } from '../config/open.js';
import { RealClock } from '../runtime/clock.js';

export type InSource = 'yes' | 'no' | 'unknown';

/** 'unknown' when a source cannot be read: only a complete look can say a Release is not there. */
export async function releaseInSources(name: string, config: KeelsonConfig): Promise<InSource> {
  let complete = true;
  for (const settings of config.sources) {
    try {
      const source = await openSource(settings, config, { clock: new RealClock(), env: process.env });
      try {
        if ((await source.snapshot()).releases.some((r) => r.name === name)) return 'yes';
      } finally {
        await source.close();
      }
    } catch {
      complete = false;
    }
  }
  return complete ? 'no' : 'unknown';
}

/**
 * Every valid Release in the configured sources, by name; a source that cannot be read is left out.
 * With `names`, only those are wanted: the sources are read in order until every one is found, so
 * one Release opens only the sources up to the one that holds it.
 */
export async function releasesInSources(config: KeelsonConfig, names?: readonly string[], open: typeof openSource = openSource): Promise<Map<string, Release>> {
  const found = new Map<string, Release>();
  const wanted = names && new Set(names);
  for (const settings of config.sources) {
    if (wanted && [...wanted].every((name) => found.has(name))) break;
    try {
      const source = await open(settings, config, { clock: new RealClock(), env: process.env });
      try {
        for (const r of (await source.snapshot()).releases) if (r.release && !found.has(r.name) && (!wanted || wanted.has(r.name))) found.set(r.name, r.release);
      } finally {
        await source.close();
      }
    } catch {
      // The store's last known spec stands in for it (see storeClient).
    }
  }
  return found;
}
