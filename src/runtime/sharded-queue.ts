// Puts the controller's work queue behind the shards this replica holds: a Release of another
// replica's shard is never queued, one whose shard was lost while it waited is dropped when it
// comes up, and every pass is tracked so a shard is handed over only once its passes are done.
// On gaining a shard, its Releases are looked at at once (those under way first).
import type { Controller, ControllerQueue, QueueFactory } from './controller.js';
import type { ShardKeeper } from './shard-keeper.js';

type Shards = Pick<ShardKeeper, 'owns' | 'track'>;

export function shardedQueue(factory: QueueFactory, shards: Shards): QueueFactory {
  return (handler) => {
    const inner = factory(async (key, attempt) => (shards.owns(key) ? shards.track(key, () => handler(key, attempt)) : undefined));
    const queue: ControllerQueue = {
      add: (key, lane) => {
        if (shards.owns(key)) inner.add(key, lane);
      },
      addAfter: (key, ms, lane) => {
        if (shards.owns(key)) inner.addAfter(key, ms, lane);
      },
      remove: (key) => inner.remove(key),
      idle: () => inner.idle(),
      shutdown: (options) => inner.shutdown(options),
    };
    return queue;
  };
}

/** Enqueues the Releases of every shard gained; those of a shard lost are dropped by the queue. */
export function followShards(shards: Pick<ShardKeeper, 'onTransition' | 'shardOf'>, controller: Pick<Controller, 'requeueAll'>): () => void {
  return shards.onTransition((t) => {
    if (t.gained) void controller.requeueAll((name) => shards.shardOf(name) === t.shard);
  });
}
