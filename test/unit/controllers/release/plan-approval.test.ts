import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../../src/api/types.js';
import { allPassing, canaryRelease, initialStatus, MIN, pass, service, T0 } from './plan-fixtures.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const release = canaryRelease('app:12', {});
release.spec.strategy.canary!.steps = [{ setWeight: 10 }, { approval: { required: 1 } }, { setWeight: 50 }, { setWeight: 100 }];

/** At 10%, the approval step started 10 minutes ago; alice approved a minute ago. */
function atGate(approvedBy: string[] = ['alice']): ReleaseStatus {
  return {
    ...initialStatus(),
    stableRevision: 'app:11',
    stableColour: 'blue',
    desiredRevision: 'app:12',
    weights: { blue: 90, green: 10 },
    rollout: { revision: 'app:12', fromRevision: 'app:11', colour: 'green', generation: 1, startedAt: iso(T0 - 20 * MIN), stepIndex: 1, stepStartedAt: iso(T0 - 10 * MIN), stepReachedAt: iso(T0 - 10 * MIN) },
    approvals: { revision: 'app:12', granted: approvedBy.map((by) => ({ by, at: iso(T0 - MIN) })), waiting: null },
  };
}

const world = {
  blue: service('app-blue', 'app:11'),
  green: service('app-green', 'app:12'),
  weights: { blue: 90, green: 10 },
  targets: { blue: 2, green: 2 },
};

const movesTo50 = (actions: { kind: string; weights?: { green: number } }[]): boolean => actions.some((a) => a.kind === 'setWeights' && a.weights?.green === 50);

describe('an approval step in plan()', () => {
  it('never moves traffic on an approval alone: health must have passed with data covering the step', () => {
    const out = pass({ release, status: atGate(), world, health: [] });
    expect(movesTo50(out.actions)).toBe(false);
    expect(out.status.approvals?.waiting ?? null).toBeNull();
    expect(out.status.rollout?.approvedAt).toBe(iso(T0));
    expect(out.status.message).toContain('approved');
  });

  it('moves on once approved and health passed with data', () => {
    const out = pass({ release, status: atGate(), world, health: allPassing(T0) });
    expect(movesTo50(out.actions)).toBe(true);
  });

  it('holds, Paused with AwaitingApproval, while nobody approved, whatever health says', () => {
    const out = pass({ release, status: atGate([]), world, health: allPassing(T0) });
    expect(movesTo50(out.actions)).toBe(false);
    expect(out.status.phase).toBe('Paused');
    expect(out.status.conditions?.find((c) => c.type === 'Paused')?.reason).toBe('AwaitingApproval');
    expect(out.events.map((e) => e.type)).toEqual(['AwaitingApproval']);
  });
});

describe('an approval gate whose group admits OIDC groups (approvers: group:NAME)', () => {
  const gated = canaryRelease('app:12', {});
  gated.spec.strategy.canary!.steps = [{ setWeight: 10 }, { approval: { required: 1, group: 'release-managers' } }, { setWeight: 50 }, { setWeight: 100 }];
  const approvers = { 'release-managers': ['alice', 'group:sre'] };

  it('counts an approval by someone whose groups include the named group, and keeps the groups with it', () => {
    const out = pass({ release: gated, status: atGate([]), world, health: allPassing(T0), approvers, operations: [{ seq: 1, kind: 'approve', requestedBy: 'carol@example.com', requestedVia: 'oidc', requestedGroups: ['sre'] }] });
    expect(out.status.approvals?.granted).toEqual([{ by: 'carol@example.com', at: iso(T0), groups: ['sre'] }]);
    expect(out.status.rollout?.approvedAt).toBe(iso(T0));
    expect(out.events.find((e) => e.type === 'Approved')).toMatchObject({ by: 'carol@example.com', via: 'oidc' });
  });

  it('refuses the same person without the group, and never matches a name that looks like a group entry', () => {
    for (const requestedBy of ['carol@example.com', 'group:sre']) {
      const out = pass({ release: gated, status: atGate([]), world, health: allPassing(T0), approvers, operations: [{ seq: 1, kind: 'approve', requestedBy, requestedVia: 'token' }] });
      expect(out.status.approvals?.granted, requestedBy).toEqual([]);
      expect(out.events.find((e) => e.type === 'ApprovalRefused')?.reason, requestedBy).toContain('is not a member of release-managers');
    }
  });
});
