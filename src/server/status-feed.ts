// Status writes made in this process, told as they happen: the event stream and the trail of the
// dashboard follow them instead of reading the store again. Wrap the store the controller writes
// through; a process without a controller has nothing to wrap and polls instead (events.ts).
import type { ReleaseStatus } from '../api/types.js';
import type { StatusStore } from '../store/store.js';

/** A Release's status as just written; undefined when it was deleted. */
export interface StatusChange {
  name: string;
  status: ReleaseStatus | undefined;
}

export type StatusListener = (change: StatusChange) => void;

export class StatusFeed {
  private readonly listeners = new Set<StatusListener>();

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(change: StatusChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own (each logs and counts it); the write has happened.
      }
    }
  }

  /**
   * The same store, telling this feed of every status written or deleted once the write has
   * succeeded. Every other member is the store's own, bound to it (class instances keep their
   * methods on the prototype, which a spread would lose).
   */
  watch<T extends StatusStore>(store: T): T {
    const putStatus: StatusStore['putStatus'] = async (release, status, fence) => {
      await store.putStatus(release, status, fence);
      this.publish({ name: release, status });
    };
    const deleteStatus: StatusStore['deleteStatus'] = async (release, fence) => {
      await store.deleteStatus(release, fence);
      this.publish({ name: release, status: undefined });
    };
    return new Proxy(store, {
      get(target, property) {
        if (property === 'putStatus') return putStatus;
        if (property === 'deleteStatus') return deleteStatus;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
