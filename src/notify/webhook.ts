// The generic JSON webhook: the event as it is, plus a version so receivers can tell payload
// shapes apart, the time in ISO 8601 and a one-line summary for receivers that only log.

import type { RolloutEvent } from './events.js';
import { oneLineSummary } from './summary.js';

/** Grows only when a field changes meaning or goes away; new optional fields keep the version. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayload extends RolloutEvent {
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  /** `at` in ISO 8601. */
  time: string;
  summary: string;
}

export function formatWebhook(event: RolloutEvent): WebhookPayload {
  return { version: WEBHOOK_PAYLOAD_VERSION, ...event, time: new Date(event.at).toISOString(), summary: oneLineSummary(event) };
}
