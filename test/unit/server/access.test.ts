// Roles within scopes: what an identity may do on a Release, from its source and labels.
import { describe, expect, it } from 'vitest';
import { inScope, parseScope, rolesOf, type Grant } from '../../../src/server/access.js';

const aep = { labels: { team: 'aep', env: 'prod' }, source: 'dir:releases' };
const web = { labels: { team: 'web' }, source: 'git:https://github.com/acme/deploy.git#main:releases' };

describe('scope', () => {
  it('matches by label selector, by source, and by both at once', () => {
    expect(inScope(parseScope({ labelSelector: 'team=aep' }), aep)).toBe(true);
    expect(inScope(parseScope({ labelSelector: 'team=aep' }), web)).toBe(false);
    expect(inScope(parseScope({ sources: ['dir:releases'] }), aep)).toBe(true);
    expect(inScope(parseScope({ sources: ['dir:releases'] }), web)).toBe(false);
    const both = parseScope({ sources: ['dir:releases'], labelSelector: 'env=staging' });
    expect(inScope(both, aep)).toBe(false);
    expect(inScope(both, { ...aep, labels: { env: 'staging' } })).toBe(true);
  });

  it('never matches a Release whose labels or source are unknown, even with a negative selector', () => {
    expect(inScope(parseScope({ labelSelector: '!legacy' }), { labels: undefined, source: 'dir:releases' })).toBe(false);
    expect(inScope(parseScope({ sources: ['dir:releases'] }), { labels: {}, source: undefined })).toBe(false);
  });

  it('with no condition covers every Release', () => {
    expect(parseScope({})).toBeUndefined();
    expect(inScope(undefined, { labels: undefined, source: undefined })).toBe(true);
  });
});

describe('roles', () => {
  const grants: Grant[] = [
    { roles: ['operator'], scope: parseScope({ labelSelector: 'team=aep' })! },
    { roles: ['approver'], scope: parseScope({ sources: [web.source] })! },
  ];

  it('are the roles of the grants whose scope covers the Release, viewer with any of them', () => {
    expect(rolesOf({ grants }, aep)).toEqual(['viewer', 'operator']);
    expect(rolesOf({ grants }, web)).toEqual(['viewer', 'approver']);
    expect(rolesOf({ grants }, { labels: { team: 'data' }, source: 'dynamodb:t' })).toEqual([]);
  });

  it('without a Release, are every role held anywhere', () => {
    expect(rolesOf({ grants })).toEqual(['viewer', 'operator', 'approver']);
    expect(rolesOf({ grants: [] })).toEqual([]);
  });
});
