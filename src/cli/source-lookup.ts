// Whether a Release is in the controller's sources at all: `keelson wait` on a misspelt name
// should say so at once rather than sit out its timeout.
import type { Release } from '../api/types.js';
import type { KeelsonConfig } from '../config/config.js';
import { openSource } from '../config/open.js';
import { RealClock } from '../runtime/clock.js';

export type InSource = 'yes' | 'no' | 'unknown';

interface Looked {
  /** Valid Releases by name, the first source holding one wins. */
  found: Map<string, Release>;
  /** Every name seen, valid or not. */
  seen: Set<string>;
  /** False when a source could not be read. */
  complete: boolean;
}

/** Reads the sources in order, keeping the Releases `wanted` (all when undefined), until `done`. */
async function lookIn(config: KeelsonConfig, wanted: ReadonlySet<string> | undefined, done: (looked: Looked) => boolean, open: typeof openSource): Promise<Looked> {
  const looked: Looked = { found: new Map(), seen: new Set(), complete: true };
  for (const settings of config.sources) {
    if (done(looked)) break;
    try {
      const source = await open(settings, config, { clock: new RealClock(), env: process.env });
      try {
        for (const r of (await source.snapshot()).releases) {
          if (wanted && !wanted.has(r.name)) continue;
          looked.seen.add(r.name);
          if (r.release && !looked.found.has(r.name)) looked.found.set(r.name, r.release);
        }
      } finally {
        await source.close();
      }
    } catch {
      looked.complete = false;
    }
  }
  return looked;
}

/** 'unknown' when a source cannot be read: only a complete look can say a Release is not there. */
export async function releaseInSources(name: string, config: KeelsonConfig): Promise<InSource> {
  const looked = await lookIn(config, new Set([name]), (l) => l.seen.has(name), openSource);
  return looked.seen.has(name) ? 'yes' : looked.complete ? 'no' : 'unknown';
}

/**
 * Every valid Release in the configured sources, by name; a source that cannot be read is left out
 * (the store's last known spec stands in for it, see storeClient). With `names`, only those are
 * wanted: the sources are read in order until every one is found, so one Release opens only the
 * sources up to the one that holds it.
 */
export async function releasesInSources(config: KeelsonConfig, names?: readonly string[], open: typeof openSource = openSource): Promise<Map<string, Release>> {
  const wanted = names && new Set(names);
  const looked = await lookIn(config, wanted, (l) => wanted !== undefined && [...wanted].every((name) => l.found.has(name)), open);
  return looked.found;
}
