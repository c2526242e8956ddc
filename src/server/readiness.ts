// When the controller is ready: every source read at least once (a source that went stale later
// keeps its last known specs in force, so it does not make the controller unready), and the
// lease question settled: held, or seen held by another controller while this one stands by.
import type { SourceHealth } from '../runtime/controller.js';

export interface Readiness {
  ready: boolean;
  reason: string;
}

export type LeaseState = 'held' | 'standby' | 'unknown';

export function assessReadiness(sources: readonly SourceHealth[], lease: LeaseState): Readiness {
  const unsynced = sources.filter((s) => s.lastSyncAt === undefined);
  if (unsynced.length > 0) {
    return { ready: false, reason: `not synced yet: ${unsynced.map((s) => `${s.description} (${s.message})`).join('; ')}` };
  }
  if (lease === 'unknown') return { ready: false, reason: 'lease not settled yet: neither held nor seen held by another controller' };
  const stale = sources.filter((s) => !s.ready);
  const staleNote = stale.length > 0 ? `; stale, last known specs in force: ${stale.map((s) => `${s.description} (${s.message})`).join('; ')}` : '';
  const role = lease === 'held' ? 'lease held' : 'standing by: another controller holds the lease';
  return { ready: true, reason: `${sources.length} source(s) synced, ${role}${staleNote}` };
}
