// Statuses written by an earlier keelson, brought to today's shape as they are read, so a
// controller restarted on an old state folder or table goes on where the old one stopped.
import type { Colour, ReleaseStatus, RolloutProgress } from './types.js';

/** Fields an earlier shape kept on the rollout: a finished rollout stayed there until its old colour went. */
interface EarlierRollout extends RolloutProgress {
  completedAt?: string | null;
  scaleDownAt?: string | null;
}

/** Pure; returns the status unchanged when it already has today's shape. */
export function upgradeStatus(status: ReleaseStatus): ReleaseStatus {
  const rollout = status.rollout as EarlierRollout | null | undefined;
  if (!rollout || !('completedAt' in rollout || 'scaleDownAt' in rollout)) return status;
  const { completedAt, scaleDownAt, ...inFlight } = rollout;
  if (!completedAt) return { ...status, rollout: inFlight };
  // Finished: the rollout's colour is stable now; the other one still runs what it replaced.
  const warm: Colour = rollout.colour === 'blue' ? 'green' : 'blue';
  const warmColour =
    rollout.colour && rollout.fromRevision && scaleDownAt ? { colour: warm, revision: rollout.fromRevision, scaleDownAt } : null;
  return { ...status, rollout: null, warmColour };
}
