// What can be refused at once, when someone asks to approve: a caller outside the group of the
// gate the Release waits at. Everything else (the revision, a gate not reached yet) is decided
// by the controller, which records a refusal in status with its reason.
import type { ReleaseStatus } from '../api/types.js';

export function refuseApproval(status: ReleaseStatus, by: string, approvers: Readonly<Record<string, readonly string[]>> | undefined): string | undefined {
  const group = status.approvals?.waiting?.group;
  // Without the groups (a client with no keelson.yaml) the controller decides.
  if (!group || !approvers) return undefined;
  const members = approvers[group];
  if (!members) return undefined;
  if (members.includes(by)) return undefined;
  return `${by} is not a member of ${group}, the group whose approval ${status.approvals?.revision ?? 'the revision'} waits for (keelson.yaml approvers: ${members.join(', ')})`;
}
