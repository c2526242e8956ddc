import { describe, expect, it } from 'vitest';
import { targetWants } from '../../../src/notify/target.js';
import type { NotificationTarget } from '../../../src/notify/target.js';
import { fixtureEvent } from './events.js';

const base: NotificationTarget = { name: 'deploys', url: 'http://127.0.0.1/hook', format: 'slack' };

describe('notification target filters', () => {
  it('wants every event when it sets no filter', () => {
    expect(targetWants(base, fixtureEvent('started'))).toBe(true);
    expect(targetWants(base, fixtureEvent('reverted', { labels: undefined }))).toBe(true);
  });

  it('chooses event types', () => {
    const target = { ...base, events: ['Reverted' as const, 'Aborted' as const] };
    expect(targetWants(target, fixtureEvent('reverted'))).toBe(true);
    expect(targetWants(target, fixtureEvent('started'))).toBe(false);
  });

  it('chooses Releases by name, with * matching any run of characters', () => {
    const target = { ...base, releases: ['aep-*-prod', 'web-prod'] };
    expect(targetWants(target, fixtureEvent('started'))).toBe(true);
    expect(targetWants(target, fixtureEvent('started', { release: 'web-prod' }))).toBe(true);
    expect(targetWants(target, fixtureEvent('started', { release: 'aep-backend-staging' }))).toBe(false);
    expect(targetWants({ ...base, releases: ['aep.backend'] }, fixtureEvent('started', { release: 'aepxbackend' }))).toBe(false);
  });

  it('chooses Releases by labels, all of which must match', () => {
    const target = { ...base, labels: { env: 'prod', team: 'platform' } };
    expect(targetWants(target, fixtureEvent('started'))).toBe(true);
    expect(targetWants(target, fixtureEvent('started', { labels: { env: 'prod' } }))).toBe(false);
    expect(targetWants(target, fixtureEvent('started', { labels: { env: 'staging', team: 'platform' } }))).toBe(false);
    expect(targetWants(target, fixtureEvent('started', { labels: undefined }))).toBe(false);
  });
});
