import { describe, expect, it } from 'vitest';
import type { Release } from '../../../src/api/types.js';
import { claimsOf, refusedClaims } from '../../../src/runtime/claims.js';
import { aepCanary } from '../../scenarios/support/releases.js';

const named = (name: string, change: (r: Release) => void = () => {}): Release =>
  aepCanary('aep-backend-prod:11', (r) => {
    r.metadata.name = name;
    change(r);
  });

const route53 = (name: string, zone: string, record: string, ids: { blue: string; green: string }): Release => {
  const r = named(name, (x) => {
    x.spec.strategy.canary!.services = { blue: `${name}-blue`, green: `${name}-green` };
    x.spec.strategy.canary!.traffic = { route53: { hostedZoneId: zone, recordName: record, recordType: 'A', setIdentifiers: ids } };
  });
  return r;
};

describe('refusedClaims', () => {
  it('refuses the later of two Releases on one listener, naming the one that keeps it', () => {
    const refused = refusedClaims([
      { name: 'b-late', release: named('b-late', (r) => (r.spec.strategy.canary!.services = { blue: 'x', green: 'y' })), firstSeen: 2 },
      { name: 'z-early', release: named('z-early'), firstSeen: 1 },
    ]);
    expect([...refused.keys()]).toEqual(['b-late']);
    expect(refused.get('b-late')).toMatchObject({ heldBy: 'z-early', claim: { path: ['spec', 'strategy', 'canary', 'traffic', 'alb', 'listenerArn'] } });
  });

  it('breaks a tie by name, deterministically, whatever the input order', () => {
    const a = { name: 'a', release: named('a'), firstSeen: 5 };
    const b = { name: 'b', release: named('b'), firstSeen: 5 };
    expect([...refusedClaims([b, a]).keys()]).toEqual(['b']);
    expect([...refusedClaims([a, b]).keys()]).toEqual(['b']);
  });

  it('takes an ECS service as cluster + service, a cluster ARN being its name', () => {
    const other = named('other', (r) => {
      r.spec.cluster = 'arn:aws:ecs:us-east-1:123456789012:cluster/aep-prod';
      r.spec.strategy.canary!.traffic = { alb: { listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2', targetGroups: { blue: 'b', green: 'g' } } };
    });
    expect(refusedClaims([{ name: 'first', release: named('first'), firstSeen: 1 }, { name: 'other', release: other, firstSeen: 2 }]).get('other')?.claim.what).toBe(
      'ECS service aep-prod/aep-backend-blue',
    );
    const elsewhere = structuredClone(other);
    elsewhere.spec.cluster = 'another-cluster';
    expect(refusedClaims([{ name: 'first', release: named('first'), firstSeen: 1 }, { name: 'other', release: elsewhere, firstSeen: 2 }]).size).toBe(0);
  });

  it('takes a Route 53 record as zone + name + type + set identifier', () => {
    const first = route53('first', 'Z1', 'app.example.org', { blue: 'b1', green: 'g1' });
    const sameRecord = route53('second', 'Z1', 'App.Example.org.', { blue: 'b2', green: 'g1' });
    const otherIds = route53('third', 'Z1', 'app.example.org', { blue: 'b3', green: 'g3' });
    const refused = refusedClaims([
      { name: 'first', release: first, firstSeen: 1 },
      { name: 'second', release: sameRecord, firstSeen: 2 },
      { name: 'third', release: otherIds, firstSeen: 3 },
    ]);
    expect([...refused.keys()]).toEqual(['second']);
    expect(refused.get('second')?.claim.path).toEqual(['spec', 'strategy', 'canary', 'traffic', 'route53', 'setIdentifiers', 'green']);
  });

  it('lets a refused Release hold nothing: a third one is not kept waiting by it', () => {
    const a = named('a', (r) => (r.spec.strategy.canary!.services = { blue: 'a1', green: 'a2' }));
    // b shares a's listener (refused) and c's services; c is refused by nobody.
    const b = named('b', (r) => (r.spec.strategy.canary!.services = { blue: 'c1', green: 'c2' }));
    const c = named('c', (r) => {
      r.spec.strategy.canary!.services = { blue: 'c1', green: 'c2' };
      r.spec.strategy.canary!.traffic = { alb: { ruleArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x/1/2/3', targetGroups: { blue: 'b', green: 'g' } } };
    });
    expect([...refusedClaims([{ name: 'a', release: a, firstSeen: 1 }, { name: 'b', release: b, firstSeen: 2 }, { name: 'c', release: c, firstSeen: 3 }]).keys()]).toEqual(['b']);
  });

  it('claims a rolling service', () => {
    const rolling = named('r', (r) => (r.spec.strategy = { rolling: { service: 'svc' } }));
    expect(claimsOf(rolling).map((c) => c.key)).toEqual(['ecs::aep-prod/svc']);
  });
});
