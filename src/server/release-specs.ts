// Where the API finds a Release's spec and labels: the ones the controller holds, else the last
// known spec the store kept (a Release gone from its source, or an API serving the store alone).
// The store is read once per request (by name when only a few are missing), and only when the
// controller cannot answer for every name.
import type { Release } from '../api/types.js';
import type { StatusStore } from '../store/store.js';
import { HttpApiError } from './errors.js';
import type { ControllerHandle } from './http.js';

export type ReleaseOf = (name: string) => Release | undefined;

export type SpecStore = Pick<StatusStore, 'listLastKnownSpecs' | 'readLastKnownSpec'>;

/**
 * Up to this many Releases the controller does not hold (Orphaned ones, gone from their source)
 * have their last known specs read one by one; more are read all at once. On DynamoDB a read of
 * them all is a Scan of every kept spec, which a list should not pay for a handful of orphans.
 */
export const SPECS_READ_BY_NAME_AT_MOST = 20;

/** The last known specs of `missing`, by name where the store can and they are few, else all of them. */
export async function keptSpecsOf(store: SpecStore, missing: readonly string[]): Promise<ReadonlyMap<string, Release>> {
  const known = new Map<string, Release>();
  if (store.readLastKnownSpec && missing.length <= SPECS_READ_BY_NAME_AT_MOST) {
    const specs = await Promise.all(missing.map((name) => store.readLastKnownSpec!(name)));
    for (const spec of specs) if (spec) known.set(spec.release.metadata.name, spec.release);
    return known;
  }
  for (const spec of await store.listLastKnownSpecs()) known.set(spec.release.metadata.name, spec.release);
  return known;
}

export type LabelsOf = (name: string) => Readonly<Record<string, string>> | undefined;

/** The labels and the spec of each named Release, from the controller and one read of the store's kept specs for those it does not hold. */
export async function specsByName(store: SpecStore, controller: ControllerHandle | undefined, names: Iterable<string>): Promise<{ labelsOf: LabelsOf; releaseOf: ReleaseOf }> {
  const heldLabels: LabelsOf = (name) => controller?.labels?.(name);
  const heldRelease: ReleaseOf = (name) => controller?.release?.(name);
  // A Release the controller holds is answered by it alone: no store read for one it cannot show.
  const missing = [...names].filter((name) => heldLabels(name) === undefined && heldRelease(name) === undefined);
  if (missing.length === 0) return { labelsOf: heldLabels, releaseOf: heldRelease };
  const known = await keptSpecsOf(store, missing);
  return {
    labelsOf: (name) => heldLabels(name) ?? (known.has(name) ? (known.get(name)!.metadata.labels ?? {}) : undefined),
    releaseOf: (name) => heldRelease(name) ?? known.get(name),
  };
}

export async function releasesByName(store: SpecStore, controller: ControllerHandle | undefined, names: Iterable<string>): Promise<ReleaseOf> {
  return (await specsByName(store, controller, names)).releaseOf;
}

export async function labelsByName(store: SpecStore, controller: ControllerHandle | undefined, names: Iterable<string>): Promise<LabelsOf> {
  return (await specsByName(store, controller, names)).labelsOf;
}

/** GET /api/v1/releases/{name}: `view=full` adds the manifest; anything else is refused, never ignored. */
export function detailView(query: URLSearchParams): 'status' | 'full' {
  const views = query.getAll('view');
  if (views.length === 0) return 'status';
  if (views.length > 1 || (views[0] !== 'status' && views[0] !== 'full')) {
    throw new HttpApiError('InvalidParameter', `view: "${views.join(',')}" is not status or full`, {}, { parameter: 'view' });
  }
  return views[0];
}

/** The store with its last known specs read at most once (and each by name at most once): the labels and the specs of one list share the reads. */
export function readSpecsOnce(store: SpecStore): SpecStore {
  let specs: ReturnType<StatusStore['listLastKnownSpecs']> | undefined;
  const byName = new Map<string, ReturnType<NonNullable<StatusStore['readLastKnownSpec']>>>();
  const readOne = store.readLastKnownSpec?.bind(store);
  return {
    listLastKnownSpecs: () => (specs ??= store.listLastKnownSpecs()),
    ...(readOne
      ? {
          readLastKnownSpec: (name: string) => {
            let read = byName.get(name);
            if (!read) byName.set(name, (read = readOne(name)));
            return read;
          },
        }
      : {}),
  };
}
