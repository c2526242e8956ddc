import { describe, expect, it } from 'vitest';
import { isRolloutEventType } from '../../../src/notify/events.js';
import { formatSlack } from '../../../src/notify/slack.js';
import { formatWebhook } from '../../../src/notify/webhook.js';
import { fixtureEvent } from './events.js';

const superseded = fixtureEvent('started', {
  type: 'Superseded',
  fromRevision: 'aep-backend-prod:12',
  toRevision: 'aep-backend-prod:11',
  reason: 'superseded by aep-backend-prod:13',
  message: 'aep-backend-prod:12 superseded by aep-backend-prod:13; traffic goes back to aep-backend-prod:11 before it starts',
});

describe('a Superseded rollout event', () => {
  it('is an event type notification targets can choose', () => {
    expect(isRolloutEventType('Superseded')).toBe(true);
  });

  it('renders in Slack with its own title and the reason', () => {
    const message = formatSlack(superseded);
    expect(message.text.split('\n')[0]).toBe('⏭️ Superseded: aep-backend-prod');
    expect(message.text).toContain('*Revision:* aep-backend-prod:12 → aep-backend-prod:11');
    expect(message.text).toContain('*Reason:* superseded by aep-backend-prod:13');
  });

  it('summarises in the generic webhook with the newer revision', () => {
    expect(formatWebhook(superseded).summary).toBe(
      '⏭️ Superseded: aep-backend-prod — aep-backend-prod:12 → aep-backend-prod:11 — superseded by aep-backend-prod:13',
    );
  });
});
