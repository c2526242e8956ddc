// ListResourceRecordSets as the Route 53 API Reference documents it: sorted by name with its labels
// reversed, then type; listed from StartRecordName/StartRecordType on; a name without records is
// no error, the answer simply starts at the names after it.
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../src/sim/events.js';
import { randomStream } from '../../../src/sim/random.js';
import { DnsModel } from '../../../src/sim/route53.js';
import { fixtureWorld, simulate, WEB } from './fixtures.js';

const ZONE = 'Z0EXAMPLE0001';

function zone(): DnsModel {
  const dns = new DnsModel({ account: '123456789012', region: 'us-east-1', events: new EventLog(), ids: randomStream(1, 'test') });
  dns.zones.set(ZONE, 'example.test');
  const add = (recordName: string, recordType: 'A' | 'CNAME', setIdentifier: string) =>
    dns.addRecord({ hostedZoneId: ZONE, recordName, recordType }, { setIdentifier, weight: 1, ttl: 60, values: ['192.0.2.1'] });
  add('www.example.test', 'A', 'green');
  add('www.example.test', 'A', 'blue');
  add('api.example.test', 'A', 'blue');
  add('api.example.test', 'CNAME', 'blue');
  add('a.b.example.test', 'A', 'one');
  return dns;
}

const names = (page: ReturnType<DnsModel['list']>) => page.records.map((r) => `${r.name} ${r.type} ${r.record.setIdentifier}`);

describe('the simulated ListResourceRecordSets', () => {
  it('lists in Route 53 order: labels reversed, then type, then set identifier', () => {
    expect(names(zone().list(ZONE, { name: 'example.test', type: 'A' }))).toEqual([
      'api.example.test. A blue',
      'api.example.test. CNAME blue',
      'a.b.example.test. A one',
      'www.example.test. A blue',
      'www.example.test. A green',
    ]);
  });

  it('answers a name without records with the names after it, not an error', () => {
    const page = zone().list(ZONE, { name: 'vvv.example.test', type: 'A' });
    expect(names(page)).toEqual(['www.example.test. A blue', 'www.example.test. A green']);
    expect(zone().read({ hostedZoneId: ZONE, recordName: 'vvv.example.test', recordType: 'A' })).toEqual([]);
    expect(zone().read({ hostedZoneId: ZONE, recordName: 'www.example.test', recordType: 'CNAME' })).toEqual([]);
  });

  it('compares names in lowercase with the trailing dot implied', () => {
    const dns = zone();
    expect(names(dns.list(ZONE, { name: 'WWW.Example.TEST.', type: 'A' }))[0]).toBe('www.example.test. A blue');
    expect(dns.read({ hostedZoneId: ZONE, recordName: 'WWW.example.test.', recordType: 'A' }).map((r) => r.setIdentifier)).toEqual(['blue', 'green']);
  });

  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html: letters are
  // stored in lowercase however given (escapes too); the API answers other characters as escapes.
  it('reads octal escapes as their characters and answers a wildcard name as \\052', () => {
    const dns = zone();
    dns.addRecord({ hostedZoneId: ZONE, recordName: '*.example.test', recordType: 'A' }, { setIdentifier: 'any', weight: 1, ttl: 60, values: ['192.0.2.9'] });
    expect(names(dns.list(ZONE, { name: '\\052.example.test', type: 'A' }))[0]).toBe('\\052.example.test. A any');
    expect(dns.read({ hostedZoneId: ZONE, recordName: '\\052.EXAMPLE.test.', recordType: 'A' }).map((r) => r.setIdentifier)).toEqual(['any']);
    expect(dns.read({ hostedZoneId: ZONE, recordName: '\\127ww.example.test', recordType: 'A' }).map((r) => r.setIdentifier)).toEqual(['blue', 'green']);
  });

  it('pages with NextRecordName, NextRecordType and NextRecordIdentifier', () => {
    const dns = zone();
    const first = dns.list(ZONE, { name: 'www.example.test', type: 'A' }, 1);
    expect(first).toMatchObject({ isTruncated: true, next: { name: 'www.example.test.', type: 'A', identifier: 'green' } });
    const second = dns.list(ZONE, first.next!, 1);
    expect(names(second)).toEqual(['www.example.test. A green']);
    expect(second.isTruncated).toBe(false);
  });

  it('still fails for a hosted zone that does not exist', () => {
    expect(() => zone().list('Z0NOSUCHZONE', { name: 'www.example.test', type: 'A' })).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });

  it('through the port: no records for a name is an empty answer, and writing them is NotFound', async () => {
    const { sim } = simulate(fixtureWorld('route53.yaml'));
    const dns = sim.provider(undefined).dns;
    const missing = { ...WEB.record, recordName: 'ww.example.test' };
    expect(await dns.readWeightedRecords(missing)).toEqual([]);
    await expect(dns.setWeights(missing, [{ setIdentifier: 'blue', weight: 1 }])).rejects.toMatchObject({ code: 'NotFound' });
    await expect(dns.setWeights(WEB.record, [{ setIdentifier: 'purple', weight: 1 }])).rejects.toMatchObject({ code: 'NotFound' });
    // An UPSERT would create the record: nothing is sent.
    expect(sim.calls['route53:ChangeResourceRecordSets']).toBeUndefined();
  });
});
