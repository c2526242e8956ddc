// Where the list finds a Release's labels: the spec the controller holds, else the last known spec
// the store kept (a Release gone from its source, or an API serving the store alone). The store is
// read once per request (by name when only a few are missing), and only when the controller cannot
// answer for every name.
import { keptSpecsOf, type SpecStore } from './release-specs.js';
import type { ControllerHandle } from './http.js';

export type LabelsOf = (name: string) => Readonly<Record<string, string>> | undefined;

export async function labelsByName(store: SpecStore, controller: ControllerHandle | undefined, names: Iterable<string>): Promise<LabelsOf> {
  const held: LabelsOf = (name) => controller?.labels?.(name);
  const missing = [...names].filter((name) => held(name) === undefined);
  if (missing.length === 0) return held;
  const known = await keptSpecsOf(store, missing);
  return (name) => held(name) ?? (known.has(name) ? (known.get(name)!.metadata.labels ?? {}) : undefined);
}
