import { describe, expect, it } from 'vitest';
import { WEBHOOK_PAYLOAD_VERSION, formatWebhook } from '../../../src/notify/webhook.js';
import { fixtureEvent } from './events.js';

describe('generic webhook payload', () => {
  it('is the event itself with a version, an ISO time and a summary', () => {
    const event = fixtureEvent('reverted');
    const payload = formatWebhook(event);
    expect(payload.version).toBe(WEBHOOK_PAYLOAD_VERSION);
    expect(payload.time).toBe('2026-01-01T00:15:00.000Z');
    const { version: _v, time: _t, summary: _s, ...rest } = payload;
    expect(rest).toEqual(event);
  });

  it('summarises a revert with the failed conditions', () => {
    expect(formatWebhook(fixtureEvent('reverted')).summary).toBe(
      '⏪ Reverted: aep-backend-prod — aep-backend-prod:11 → aep-backend-prod:13 — ' +
        'ready failed: value 503, threshold expect 200; errors failed: value 31.42, threshold max 5',
    );
  });

  it('falls back to the reason when a revert names no failed condition', () => {
    const payload = formatWebhook(fixtureEvent('reverted', { health: [], reason: 'tasks never became stable within 10m' }));
    expect(payload.summary).toMatch(/— tasks never became stable within 10m$/);
  });
});
