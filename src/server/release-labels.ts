// Where the list finds a Release's labels: the spec the controller holds, else the last known spec
// the store kept (a Release gone from its source, or an API serving the store alone). The store is
// read once per request, and only when the controller cannot answer for every name.
import type { StatusStore } from '../store/store.js';
import type { ControllerHandle } from './http.js';

export type LabelsOf = (name: string) => Readonly<Record<string, string>> | undefined;

export async function labelsByName(store: Pick<StatusStore, 'listLastKnownSpecs'>, controller: ControllerHandle | undefined, names: Iterable<string>): Promise<LabelsOf> {
  const held: LabelsOf = (name) => controller?.labels?.(name);
  let complete = true;
  for (const name of names) {
    if (held(name) === undefined) {
      complete = false;
      break;
    }
  }
  if (complete) return held;
  const known = new Map<string, Readonly<Record<string, string>>>();
  for (const spec of await store.listLastKnownSpecs()) known.set(spec.release.metadata.name, spec.release.metadata.labels ?? {});
  return (name) => held(name) ?? known.get(name);
}
