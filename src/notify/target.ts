// A notification target: where to post, in which format, and which events it wants.

import type { RolloutEvent, RolloutEventType } from './events.js';
import { formatSlack } from './slack.js';
import { formatWebhook } from './webhook.js';

export type NotificationFormat = 'slack' | 'json';

export interface NotificationTarget {
  /** Shown in logs and metrics instead of the URL, which is a secret for Slack webhooks. */
  name: string;
  url: string;
  format: NotificationFormat;
  /** Event types to send; every type when omitted. */
  events?: RolloutEventType[];
  /** Release names to send about; `*` matches any run of characters. Every Release when omitted. */
  releases?: string[];
  /** Every label listed must be on the Release with that value (like Kubernetes matchLabels). */
  labels?: Record<string, string>;
  /** Extra request headers, e.g. an Authorization header for a generic receiver. */
  headers?: Record<string, string>;
}

export const FORMATTERS: Record<NotificationFormat, (event: RolloutEvent) => unknown> = {
  slack: formatSlack,
  json: formatWebhook,
};

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** Whether a target wants this event: its type, its Release's name and labels all match. */
export function targetWants(target: NotificationTarget, event: RolloutEvent): boolean {
  if (target.events && !target.events.includes(event.type)) return false;
  if (target.releases && !target.releases.some((pattern) => globToRegExp(pattern).test(event.release))) return false;
  if (target.labels) {
    const labels = event.labels ?? {};
    for (const [key, value] of Object.entries(target.labels)) if (labels[key] !== value) return false;
  }
  return true;
}
