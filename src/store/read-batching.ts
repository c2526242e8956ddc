// The state-store reads a pass starts with, joined across the passes that start at the same
// time: one readReleases (a BatchGetItem, or files read side by side) instead of getStatus and
// listOperations per Release. The answer comes at once for all of them, so those passes reach
// their AWS reads in the same turn and share those batches too.
import { TurnBatcher } from '../cloud/turn-batcher.js';
import type { StatusStore, StoredRelease } from './store.js';

/** Releases per readReleases: a DynamoDB store reads them in BatchGetItem calls of 50 (100 keys). */
export const STORE_READ_BATCH = 100;

export class StoreReads {
  private readonly batcher: TurnBatcher<string, StoredRelease>;

  constructor(store: Pick<StatusStore, 'readReleases'>) {
    this.batcher = new TurnBatcher<string, StoredRelease>({
      max: STORE_READ_BATCH,
      keyOf: (name) => name,
      async send(names) {
        const read = await store.readReleases(names);
        return names.map((name) => read.get(name) ?? { operations: [] });
      },
    });
  }

  /** The Release's status and its operations not applied yet, read with the others asked now. */
  read(release: string): Promise<StoredRelease> {
    return this.batcher.ask(release);
  }
}
