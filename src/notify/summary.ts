// The words and symbols of a rollout event, shared by every message format, so that a Slack
// post and a generic webhook's summary say the same thing.

import type { RolloutEvent, RolloutEventHealth, RolloutEventType } from './events.js';

// Partial on purpose: an event type with no entry here still gets a sensible headline (eventTitle).
export const EVENT_TITLES: Partial<Record<RolloutEventType, { icon: string; title: string }>> = {
  RolloutStarted: { icon: '🚀', title: 'Rollout started' },
  StepReached: { icon: '📶', title: 'Step reached' },
  Paused: { icon: '⏸️', title: 'Paused' },
  Promoted: { icon: '✅', title: 'Promoted' },
  Reverted: { icon: '⏪', title: 'Reverted' },
  Aborted: { icon: '🛑', title: 'Aborted' },
  Superseded: { icon: '⏭️', title: 'Superseded' },
  DriftCorrected: { icon: '🔧', title: 'Drift corrected' },
  PromotionWaiting: { icon: '⏳', title: 'Waiting for promotion' },
  PromotionMet: { icon: '🔏', title: 'Promotion proven' },
  PlaintextRefused: { icon: '🔐', title: 'Refused: plaintext secrets' },
  WindowClosed: { icon: '🕘', title: 'Waiting for the deployment window' },
  WindowOpened: { icon: '🟢', title: 'Deployment window open' },
  JobStarted: { icon: '🏃', title: 'Job started' },
  JobSucceeded: { icon: '☑️', title: 'Job succeeded' },
  JobFailed: { icon: '💥', title: 'Job failed' },
  AwaitingApproval: { icon: '✋', title: 'Waiting for approval' },
  Approved: { icon: '👍', title: 'Approved' },
  ApprovalRefused: { icon: '🚫', title: 'Approval refused' },
};

/** The icon and title of any event type: `JobFailed` with no entry reads `🔔 Job failed`. */
export function eventTitle(type: string): { icon: string; title: string } {
  const known = EVENT_TITLES[type as RolloutEventType];
  if (known) return known;
  const words = type.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return { icon: '🔔', title: words.charAt(0).toUpperCase() + words.slice(1) };
}

/** `1/2 from release-managers (alice)`: an approval gate's count. */
export function approvalLine(approval: NonNullable<RolloutEvent['approval']>): string {
  const from = approval.group ? ` from ${approval.group}` : '';
  const who = approval.approvers.length > 0 ? ` (${approval.approvers.join(', ')})` : '';
  return `${approval.received}/${approval.required}${from}${who}`;
}

const HEALTH_ICONS: Record<RolloutEventHealth['state'], string> = {
  Passing: '✅',
  Breaching: '⚠️',
  Failing: '❌',
  Unknown: '❔',
};

/** `🚀 Rollout started: aep-backend-prod` */
export function headline(event: RolloutEvent): string {
  const { icon, title } = eventTitle(event.type);
  return `${icon} ${title}: ${event.release}`;
}

/** `aep-backend-prod:11 → aep-backend-prod:12`, or undefined when neither is known. */
export function revisionChange(event: RolloutEvent): string | undefined {
  const from = event.fromRevision ?? undefined;
  const to = event.toRevision ?? undefined;
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined) return `(none) → ${to}`;
  if (to === undefined || to === from) return from;
  return `${from} → ${to}`;
}

/** The `sha256:…` digest of an image URI pinned by digest. */
export function imageDigest(image: string): string | undefined {
  const at = image.lastIndexOf('@');
  return at >= 0 ? image.slice(at + 1) : undefined;
}

/** Numbers as a person reads them: at most two decimals, no trailing zeros. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** `❌ errors 31.5 (max 5)` */
export function healthItem(health: RolloutEventHealth): string {
  let text = `${HEALTH_ICONS[health.state]} ${health.name}`;
  if (health.value !== undefined && health.value !== null) text += ` ${formatValue(health.value)}`;
  if (health.threshold) text += ` (${health.threshold})`;
  return text;
}

/** `✅ 2/2 healthy`; a warning sign as soon as one target is not healthy. */
export function targetsLine(targets: { healthy: number; total: number }): string {
  const icon = targets.total > 0 && targets.healthy >= targets.total ? '✅' : '⚠️';
  return `${icon} ${targets.healthy}/${targets.total} healthy`;
}

/** `aep-backend-prod:11 (digest sha256:…)`, or the image itself when it is not pinned by digest. */
export function rollbackLine(target: { revision: string; image?: string }): string {
  if (!target.image) return target.revision;
  const digest = imageDigest(target.image);
  return digest ? `${target.revision} (digest ${digest})` : `${target.revision} (image ${target.image})`;
}

/** The conditions that failed, each with its value and threshold: the evidence of a revert. */
export function failedConditions(event: RolloutEvent): RolloutEventHealth[] {
  return (event.health ?? []).filter((h) => h.state === 'Failing');
}

export function failureLine(health: RolloutEventHealth): string {
  const value = health.value === undefined || health.value === null ? 'no value' : `value ${formatValue(health.value)}`;
  const threshold = health.threshold ? `, threshold ${health.threshold}` : '';
  return `${health.name} failed: ${value}${threshold}`;
}

const isKnownType = (type: string): boolean => EVENT_TITLES[type as RolloutEventType] !== undefined;

export function triggeredBy(event: RolloutEvent): string {
  return event.by ?? 'keelson';
}

/** One line for logs and for the generic webhook's `summary`. */
export function oneLineSummary(event: RolloutEvent): string {
  const change = revisionChange(event);
  const parts = [headline(event)];
  if (change) parts.push(change);
  if (event.type === 'Reverted') {
    const failed = failedConditions(event);
    if (failed.length > 0) parts.push(failed.map(failureLine).join('; '));
    else if (event.reason) parts.push(event.reason);
  } else if (event.type === 'Superseded' && event.reason) {
    parts.push(event.reason);
  } else if (event.approval) {
    parts.push(`approvals ${approvalLine(event.approval)}`);
    if (event.approval.received < event.approval.required) parts.push(`approve with: ${event.approval.howTo}`);
  } else if (!isKnownType(event.type)) {
    // An event this formatter knows nothing of still says what happened.
    parts.push(event.reason ?? event.message);
  }
  return parts.join(' — ');
}
