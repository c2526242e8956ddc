// When the controller is ready: every source read at least once (a source that went stale later
// keeps its last known specs in force, so it does not make the controller unready), and the
// lease question settled: held, or seen held by another controller while this one stands by.
// A state store that cannot be written makes it unready whatever else holds, and says why: the
// controller makes no AWS write until the store takes writes again.
import type { SourceHealth } from '../runtime/controller.js';
import type { StoreProblem } from '../store/store-health.js';

export interface Readiness {
  ready: boolean;
  reason: string;
}

export type LeaseState = 'held' | 'standby' | 'unknown';

/** With sharding: the shards this replica holds, of how many, and why it holds none if it stands down. */
export interface ShardReadiness {
  held: readonly number[];
  shards: number;
  standingDown?: string;
}

export function assessReadiness(sources: readonly SourceHealth[], lease: LeaseState, store?: StoreProblem, shards?: ShardReadiness): Readiness {
  if (store) {
    return {
      ready: false,
      reason: `state store unavailable (${store.code} ${store.reason}) since ${new Date(store.since).toISOString()}: ${store.message}; no AWS writes until it can be written again`,
    };
  }
  const unsynced = sources.filter((s) => s.lastSyncAt === undefined);
  if (unsynced.length > 0) {
    return { ready: false, reason: `not synced yet: ${unsynced.map((s) => `${s.description} (${s.message})`).join('; ')}` };
  }
  if (lease === 'unknown') return { ready: false, reason: 'lease not settled yet: neither held nor seen held by another controller' };
  const stale = sources.filter((s) => !s.ready);
  const staleNote = stale.length > 0 ? `; stale, last known specs in force: ${stale.map((s) => `${s.description} (${s.message})`).join('; ')}` : '';
  const role = shards
    ? shardRole(shards)
    : lease === 'held'
      ? 'lease held'
      : 'standing by: another controller holds the lease';
  return { ready: true, reason: `${sources.length} source(s) synced, ${role}${staleNote}` };
}

function shardRole(shards: ShardReadiness): string {
  if (shards.standingDown) return `no shard of ${shards.shards} held: ${shards.standingDown}`;
  if (shards.held.length === 0) return `no shard of ${shards.shards} held: the other replicas hold them all`;
  return `shards ${shards.held.join(', ')} of ${shards.shards} held`;
}
