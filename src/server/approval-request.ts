// What can be refused at once, when someone asks to approve: a caller outside the group of the
// gate the Release waits at. Everything else (the revision, a gate not reached yet) is decided
// by the controller, which records a refusal in status with its reason.
import { isApprover } from '../api/approver-membership.js';
import type { ReleaseStatus } from '../api/types.js';

/** `groups`: the caller's OIDC groups, which count where the approvers group lists `group:NAME`. */
export function refuseApproval(status: ReleaseStatus, by: string, approvers: Readonly<Record<string, readonly string[]>> | undefined, groups: readonly string[] = []): string | undefined {
  const group = status.approvals?.waiting?.group;
  // Without the groups (a client with no keelson.yaml) the controller decides.
  if (!group || !approvers) return undefined;
  const members = approvers[group];
  if (!members) return undefined;
  if (isApprover(members, by, groups)) return undefined;
  return `${by} is not a member of ${group}, the group whose approval ${status.approvals?.revision ?? 'the revision'} waits for (keelson.yaml approvers: ${members.join(', ')})`;
}
