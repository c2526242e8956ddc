import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, formatSlack } from '../../../src/notify/slack.js';
import { fixtureEvent } from './events.js';

const DIGEST = `sha256:${'1'.repeat(64)}`;

function section(message: ReturnType<typeof formatSlack>): string {
  const block = message.blocks.find((b) => b.type === 'section');
  if (!block || block.type !== 'section') throw new Error('no section block');
  return block.text.text;
}

describe('Slack message', () => {
  it('carries the runbook notification: revision from → to, change, health, targets, rollback digest, who', () => {
    const message = formatSlack(fixtureEvent('started'));
    const body = section(message);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🚀 Rollout started: aep-backend-prod', emoji: true },
    });
    expect(body).toContain('*Revision:* aep-backend-prod:11 → aep-backend-prod:12');
    expect(body).toContain('*Change:* main@sha1:4f2c9e1d0b7a6c5e3f2a1b0c9d8e7f6a5b4c3d2e');
    expect(body).toContain('*Services:* aep-backend-blue, aep-backend-green (cluster aep-prod)');
    expect(body).toContain('*Health:* ✅ ready 200 (expect 200) · ✅ errors 0.4 (max 5)');
    expect(body).toContain('*Targets:* ✅ 2/2 healthy');
    expect(body).toContain(`*Rollback:* aep-backend-prod:11 (digest ${DIGEST})`);
    expect(body).toContain('*Deployed by:* @alice');
  });

  it('says on a revert which conditions failed, with value and threshold', () => {
    const body = section(formatSlack(fixtureEvent('reverted')));
    expect(body).toContain('*Failed:* ready failed: value 503, threshold expect 200');
    expect(body).toContain('*Failed:* errors failed: value 31.42, threshold max 5');
    expect(body).not.toContain('*Failed:* targets');
    expect(body).toContain('❌ errors 31.42 (max 5)');
    expect(body).toContain('❔ latency-vs-baseline');
    expect(body).toContain('*Reason:* condition errors failed for 1m');
    expect(body).toContain('*By:* keelson');
  });

  it('repeats the whole message in text, for receivers without blocks', () => {
    const message = formatSlack(fixtureEvent('reverted'));
    expect(message.text.split('\n')[0]).toBe('⏪ Reverted: aep-backend-prod');
    expect(message.text).toContain(section(message));
  });

  it('marks targets that are not all healthy', () => {
    const body = section(formatSlack(fixtureEvent('started', { targets: { healthy: 1, total: 2 } })));
    expect(body).toContain('*Targets:* ⚠️ 1/2 healthy');
  });

  it('names the image when the rollback target is not pinned by digest', () => {
    const body = section(formatSlack(fixtureEvent('started', { rollbackTarget: { revision: 'web:41', image: 'web:latest' } })));
    expect(body).toContain('*Rollback:* web:41 (image web:latest)');
  });

  it('leaves out what the event does not say', () => {
    const body = section(
      formatSlack({ type: 'Paused', release: 'web-prod', at: 0, cluster: 'web-prod', services: ['web-blue'], message: 'paused' }),
    );
    expect(body.split('\n')).toEqual(['*Services:* web-blue (cluster web-prod)', '*By:* keelson']);
  });

  it('escapes Slack control characters in values', () => {
    expect(escapeMrkdwn('<!channel> & co')).toBe('&lt;!channel&gt; &amp; co');
    const body = section(formatSlack(fixtureEvent('started', { by: '<!channel>' })));
    expect(body).toContain('*Deployed by:* &lt;!channel&gt;');
  });

  it('keeps within Slack block limits', () => {
    const long = 'x'.repeat(5000);
    const message = formatSlack(fixtureEvent('started', { release: long, reason: long }));
    const header = message.blocks[0];
    if (header?.type !== 'header') throw new Error('no header');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(section(message).length).toBeLessThanOrEqual(3000);
  });
});
