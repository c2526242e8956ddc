// Whether a Release is in the controller's sources at all: `keelson wait` on a misspelt name
// should say so at once rather than sit out its timeout.
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
