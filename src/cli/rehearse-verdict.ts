// Whether a rehearsal may pass a pipeline: like `keelson wait`, a Release that ended reverted,
// aborted, blocked, stalled or invalid is a failure, so a bad change is caught before it ships.
import type { ReleaseStatus } from '../api/types.js';
import { sameRevision } from '../cloud/task-definition-ref.js';

export const REHEARSE_EXIT = { clean: 0, failed: 1 } as const;

export interface RehearsalFailure {
  release: string;
  why: string;
}

/** Every Release that did not end well, with why; empty when the rehearsal may pass. */
export function rehearsalFailures(releases: readonly { name: string; status: ReleaseStatus | null }[]): RehearsalFailure[] {
  const out: RehearsalFailure[] = [];
  for (const { name, status } of releases) {
    const why = whyFailed(status);
    if (why) out.push({ release: name, why });
  }
  return out;
}

function whyFailed(status: ReleaseStatus | null): string | undefined {
  if (!status) return undefined;
  // Compared as a string: the condition type list grows with the controller (Stalled: a person must act).
  const stalled = status.conditions?.find((c) => String(c.type) === 'Stalled' && c.status === 'True');
  const blocked = status.blockedRevision ?? undefined;
  const failed = ['Degraded', 'Aborted', 'Invalid'].includes(status.phase);
  if (!failed && !stalled && !blocked) return undefined;
  const last = blocked ? status.history?.find((h) => sameRevision(h.revision, blocked)) : undefined;
  const what = [
    status.phase,
    ...(blocked ? [`${blocked} ${last ? last.result.toLowerCase() : 'blocked'}`] : []),
    ...(stalled ? [`stalled (${stalled.reason})`] : []),
  ].join(', ');
  const detail = stalled?.message || last?.reason || status.message;
  return detail ? `${what}: ${detail}` : what;
}

/** The lines a person reads on stderr when a rehearsal fails. */
export function failureLines(failures: readonly RehearsalFailure[]): string[] {
  if (failures.length === 0) return [];
  const count = failures.length === 1 ? '1 Release' : `${failures.length} Releases`;
  return [`keelson rehearse: ${count} did not end stable and healthy:`, ...failures.map((f) => `  ${f.release}: ${f.why}`)];
}
