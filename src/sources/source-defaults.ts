// A source's defaults from keelson.yaml (a deployment schedule), given to each of its Releases
// that sets none of its own. Applied to the snapshot, so the reconciler sees one complete spec.
import type { Release } from '../api/types.js';
import type { SourceDefaults } from '../config/config.js';
import type { Source, SourceSnapshot } from './source.js';

export function withSourceDefaults(source: Source, defaults: SourceDefaults): Source {
  if (!defaults.schedule) return source;
  const schedule = defaults.schedule;
  const fill = (release: Release): Release => (release.spec.schedule ? release : { ...release, spec: { ...release.spec, schedule: structuredClone(schedule) } });
  return {
    kind: source.kind,
    description: source.description,
    async snapshot(): Promise<SourceSnapshot> {
      const snapshot = await source.snapshot();
      return { ...snapshot, releases: snapshot.releases.map((item) => (item.release ? { ...item, release: fill(item.release) } : item)) };
    },
    watch: (onChange) => source.watch(onChange),
    close: () => source.close(),
  };
}
