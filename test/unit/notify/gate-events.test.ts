import { describe, expect, it } from 'vitest';
import type { RolloutEvent, RolloutEventType } from '../../../src/notify/events.js';
import { formatSlack } from '../../../src/notify/slack.js';
import { headline, oneLineSummary } from '../../../src/notify/summary.js';
import { formatWebhook } from '../../../src/notify/webhook.js';

const base = { release: 'web-prod', at: Date.parse('2026-03-01T12:10:00Z'), cluster: 'web-prod', services: ['web-blue', 'web-green'], sourceRevision: 'main@sha1:4f2c9e1' };
const HOW = 'keelson approve web-prod --revision web:42';

const awaiting: RolloutEvent = {
  ...base,
  type: 'AwaitingApproval',
  fromRevision: 'web:41',
  toRevision: 'web:42',
  approval: { required: 2, received: 1, group: 'release-managers', approvers: ['alice'], howTo: HOW },
  message: `waiting for approval 1/2 from release-managers; approve with: ${HOW}`,
};

const body = (event: RolloutEvent): string => formatSlack(event).text;

describe('gate events in notifications', () => {
  it('a gate waiting for approval says what it waits for and how to approve', () => {
    const text = body(awaiting);
    expect(text.split('\n')[0]).toBe('✋ Waiting for approval: web-prod');
    expect(text).toContain('*Revision:* web:41 → web:42');
    expect(text).toContain('*Change:* main@sha1:4f2c9e1');
    expect(text).toContain('*Approvals:* 1/2 from release-managers (alice)');
    expect(text).toContain(`*Approve with:* ${HOW}`);
    expect(oneLineSummary(awaiting)).toBe(`✋ Waiting for approval: web-prod — web:41 → web:42 — approvals 1/2 from release-managers (alice) — approve with: ${HOW}`);
    expect(formatWebhook(awaiting)).toMatchObject({ type: 'AwaitingApproval', approval: { required: 2, received: 1, howTo: HOW } });
  });

  it('an approval names who approved and the count, and stops asking once the gate is satisfied', () => {
    const approved: RolloutEvent = { ...awaiting, type: 'Approved', by: 'bob', approval: { ...awaiting.approval!, received: 2, approvers: ['alice', 'bob'] }, message: 'web:42 approved by bob (2/2 from release-managers)' };
    const text = body(approved);
    expect(text.split('\n')[0]).toBe('👍 Approved: web-prod');
    expect(text).toContain('*Approvals:* 2/2 from release-managers (alice, bob)');
    expect(text).toContain('*By:* bob');
    expect(text).not.toContain('Approve with');
  });

  it('a refused approval gives the reason', () => {
    const refused: RolloutEvent = { ...base, type: 'ApprovalRefused', toRevision: 'web:42', by: 'mallory', reason: 'mallory is not a member of release-managers (keelson.yaml approvers)', message: 'approval refused' };
    expect(body(refused)).toContain('*Reason:* mallory is not a member of release-managers (keelson.yaml approvers)');
    expect(headline(refused)).toBe('🚫 Approval refused: web-prod');
  });

  it('an event type this formatter has never heard of still gets a headline and says what happened', () => {
    // A type added later than this formatter: its name, split into words, is the headline.
    const other = { ...base, type: 'CacheWarmed' as RolloutEventType, toRevision: 'web:42', message: 'cache warm-up done' };
    expect(headline(other)).toBe('🔔 Cache warmed: web-prod');
    expect(oneLineSummary(other)).toBe('🔔 Cache warmed: web-prod — (none) → web:42 — cache warm-up done');
    expect(body(other).split('\n')[0]).toBe('🔔 Cache warmed: web-prod');
  });
});
