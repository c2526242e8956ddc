// Task definitions are named three ways (family, family:revision, ARN); status always shows
// `family:revision`, so comparisons go through these helpers.

const ARN = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:task-definition\/([^:]+):(\d+)$/;
const FAMILY_REVISION = /^([A-Za-z0-9_-]{1,255}):(\d+)$/;

/** `family:revision` for an ARN or a `family:revision`; undefined for a bare family. */
export function familyRevision(ref: string): string | undefined {
  const m = ARN.exec(ref) ?? FAMILY_REVISION.exec(ref);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** True when two references name the same revision. */
export function sameRevision(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return (familyRevision(a) ?? a) === (familyRevision(b) ?? b);
}
