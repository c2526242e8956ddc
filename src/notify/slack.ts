// Slack incoming-webhook messages. The lines follow the deployment notification teams already
// post by hand: service, revision from → to, change, health, targets, rollback target with its
// digest, who deployed. `text` carries the whole message too, for Slack-compatible receivers that
// ignore blocks and for the notification preview.

import type { RolloutEvent } from './events.js';
import {
  failedConditions,
  failureLine,
  approvalLine,
  formatValue,
  headline,
  healthItem,
  revisionChange,
  rollbackLine,
  targetsLine,
  triggeredBy,
} from './summary.js';

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Slack's limits: header text 150 characters, section text 3,000.
const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The body lines, `*Label:* value`, values escaped. */
export function slackLines(event: RolloutEvent): string[] {
  const lines: string[] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') lines.push(`*${label}:* ${escapeMrkdwn(value)}`);
  };
  add('Services', event.services.length > 0 ? `${event.services.join(', ')} (cluster ${event.cluster})` : undefined);
  add('Revision', revisionChange(event));
  add('Change', event.sourceRevision);
  if (event.step) add('Step', `${event.step.index}/${event.step.total}: ${event.step.description}`);
  if (event.weights) add('Traffic', `blue ${formatValue(event.weights.blue)}% · green ${formatValue(event.weights.green)}%`);
  if (event.type === 'Reverted') {
    for (const failed of failedConditions(event)) add('Failed', failureLine(failed));
  }
  if (event.health && event.health.length > 0) add('Health', event.health.map(healthItem).join(' · '));
  if (event.targets) add('Targets', targetsLine(event.targets));
  if (event.rollbackTarget) add('Rollback', rollbackLine(event.rollbackTarget));
  if (event.approval) {
    add('Approvals', approvalLine(event.approval));
    if (event.approval.received < event.approval.required) add('Approve with', event.approval.howTo);
  }
  add('Reason', event.reason);
  add(event.type === 'RolloutStarted' ? 'Deployed by' : 'By', triggeredBy(event));
  return lines;
}

export function formatSlack(event: RolloutEvent): SlackMessage {
  const title = headline(event);
  const lines = slackLines(event);
  const context = `${escapeMrkdwn(event.message)} · cluster ${escapeMrkdwn(event.cluster)} · ${new Date(event.at).toISOString()}`;
  return {
    text: [escapeMrkdwn(title), ...lines].join('\n'),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_LIMIT), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SECTION_LIMIT) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(context, SECTION_LIMIT) }] },
    ],
  };
}
