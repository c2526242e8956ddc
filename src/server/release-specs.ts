// Where the API finds a Release's spec: the one the controller holds, else the last known spec
// the store kept (a Release gone from its source, or an API serving the store alone). The store is
// read once per request, and only when the controller cannot answer for every name.
import type { Release } from '../api/types.js';
import type { StatusStore } from '../store/store.js';
import { HttpApiError } from './errors.js';
import type { ControllerHandle } from './http.js';

export type ReleaseOf = (name: string) => Release | undefined;

export async function releasesByName(store: Pick<StatusStore, 'listLastKnownSpecs'>, controller: ControllerHandle | undefined, names: Iterable<string>): Promise<ReleaseOf> {
  const held: ReleaseOf = (name) => controller?.release?.(name);
  // A Release the controller holds is answered by it alone: no store read for one it cannot show.
  const isHeld = (name: string): boolean => held(name) !== undefined || controller?.labels?.(name) !== undefined;
  let complete = true;
  for (const name of names) {
    if (!isHeld(name)) {
      complete = false;
      break;
    }
  }
  if (complete) return held;
  const known = new Map<string, Release>();
  for (const spec of await store.listLastKnownSpecs()) known.set(spec.release.metadata.name, spec.release);
  return (name) => held(name) ?? known.get(name);
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

/** The store with its last known specs read at most once: the labels and the specs of one list share the read. */
export function readSpecsOnce(store: Pick<StatusStore, 'listLastKnownSpecs'>): Pick<StatusStore, 'listLastKnownSpecs'> {
  let specs: ReturnType<StatusStore['listLastKnownSpecs']> | undefined;
  return { listLastKnownSpecs: () => (specs ??= store.listLastKnownSpecs()) };
}
