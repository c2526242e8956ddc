// Reading every status only to show it (the Release list): the store's shared read-only objects
// where it has them, else the copies listStatuses() makes.
import type { ReleaseStatus } from '../api/types.js';
import type { StatusStore } from './store.js';

export function readAllStatuses(store: Pick<StatusStore, 'listStatuses' | 'readStatuses'>): Promise<ReadonlyMap<string, ReleaseStatus>> {
  return store.readStatuses ? store.readStatuses() : store.listStatuses();
}
