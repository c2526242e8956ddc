// Who belongs to a group of keelson.yaml `approvers`: a person listed by name (a token's name, the
// OIDC name claim, local:USER), or anyone whose OIDC groups claim holds NAME where the group lists
// `group:NAME`. One rule for the HTTP API's at-once refusal and for the reconciler's count.

export const GROUP_MEMBER_PREFIX = 'group:';

export function isApprover(members: readonly string[], by: string, groups: readonly string[] = []): boolean {
  // A name that looks like a group entry never matches one by name.
  if (!by.startsWith(GROUP_MEMBER_PREFIX) && members.includes(by)) return true;
  return groups.some((g) => members.includes(`${GROUP_MEMBER_PREFIX}${g}`));
}

/** The groups worth keeping with an approval: those some approvers group names (`group:NAME`). */
export function approverGroupsOf(groups: readonly string[], approvers: Readonly<Record<string, readonly string[]>> | undefined): string[] {
  if (!approvers || groups.length === 0) return [];
  const named = new Set(Object.values(approvers).flat());
  return groups.filter((g) => named.has(`${GROUP_MEMBER_PREFIX}${g}`));
}
