import { describe, expect, it } from 'vitest';
import { fixtureWorld, simulate, WEB } from './fixtures.js';

describe('Route53 weighted records', () => {
  it('moves traffic only a TTL after the change is INSYNC', async () => {
    const { sim, clock } = simulate(fixtureWorld('route53.yaml'));
    const dns = sim.provider(undefined).dns;
    const set = await dns.setWeights(WEB.record, [
      { setIdentifier: 'blue', weight: 50 },
      { setIdentifier: 'green', weight: 50 },
    ]);
    expect(set.result).toBe('updated');
    // The API shows the new weights at once; clients do not.
    expect(sim.inspect.recordWeights(WEB.record)).toEqual([
      { setIdentifier: 'blue', weight: 50 },
      { setIdentifier: 'green', weight: 50 },
    ]);
    expect(sim.inspect.effectiveWeights(WEB.record)).toEqual([
      { setIdentifier: 'blue', weight: 100 },
      { setIdentifier: 'green', weight: 0 },
    ]);

    await clock.advance(29_000);
    expect(await dns.getChangeStatus(set.changeId as string)).toBe('PENDING');
    await clock.advance(1_000);
    expect(await dns.getChangeStatus(set.changeId as string)).toBe('INSYNC');

    // INSYNC at 30s, TTL 60s: green gets nothing before 90s.
    await clock.advance(59_000);
    expect(sim.stats.byRevision['web:2']).toBeUndefined();
    expect(sim.inspect.effectiveWeights(WEB.record).find((w) => w.setIdentifier === 'green')?.weight).toBe(0);
    await clock.advance(1_000);
    expect(sim.inspect.effectiveWeights(WEB.record).find((w) => w.setIdentifier === 'green')?.weight).toBe(50);

    await clock.advance(60_000);
    const green = sim.stats.byRevision['web:2']?.requests ?? 0;
    // 60s at 200 rps, half of it, give or take the seeded split.
    expect(green).toBeGreaterThan(5_500);
    expect(green).toBeLessThan(6_500);
    expect(sim.events.filter((e) => e.kind.startsWith('record.')).map((e) => [e.kind, (e.at - sim.startedAt) / 1000])).toEqual([
      ['record.changed', 0],
      ['record.insync', 30],
      ['record.effective', 90],
    ]);
  });

  it('keeps values, TTL and alias targets when weights change, and reports a repeat as unchanged', async () => {
    const { sim } = simulate(fixtureWorld('route53.yaml'));
    const dns = sim.provider(undefined).dns;
    const before = await dns.readWeightedRecords(WEB.record);
    await dns.setWeights(WEB.record, [{ setIdentifier: 'green', weight: 10 }]);
    const after = await dns.readWeightedRecords(WEB.record);
    expect(after).toEqual(before.map((r) => (r.setIdentifier === 'green' ? { ...r, weight: 10 } : r)));
    expect(await dns.setWeights(WEB.record, [{ setIdentifier: 'green', weight: 10 }])).toEqual({ result: 'unchanged' });
    expect(sim.calls['route53:ChangeResourceRecordSets']).toBe(1);
  });

  it('rejects weights for a set identifier the record set does not have', async () => {
    const { sim } = simulate(fixtureWorld('route53.yaml'));
    await expect(sim.provider(undefined).dns.setWeights(WEB.record, [{ setIdentifier: 'purple', weight: 1 }])).rejects.toMatchObject({ code: 'NotFound' });
  });
});
