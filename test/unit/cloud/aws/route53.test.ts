import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { ListResourceRecordSetsCommandOutput } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalName } from '../../../../src/cloud/aws/route53.js';
import { isCloudError } from '../../../../src/cloud/errors.js';
import type { RecordKey } from '../../../../src/cloud/ports.js';
import { awsPortsForTest, fixture } from './helpers.js';

const route53 = mockClient(Route53Client);
const KEY: RecordKey = { hostedZoneId: 'Z1D633PJN98FT9', recordName: 'app.example.com', recordType: 'A' };
const page1 = fixture<ListResourceRecordSetsCommandOutput>('route53-list-page1.json');
const page2 = fixture<ListResourceRecordSetsCommandOutput>('route53-list-page2.json');

/** Two pages: the listing continues at prod-green, then runs on into other names and types. */
function servePages(): void {
  route53
    .on(ListResourceRecordSetsCommand)
    .callsFake((input: { StartRecordIdentifier?: string }) => (input.StartRecordIdentifier === 'prod-green' ? page2 : page1));
}

beforeEach(() => {
  route53.reset();
});

describe('AwsDns.readWeightedRecords', () => {
  it('pages from the record name and type while they still match, skipping other records', async () => {
    servePages();
    const { ports } = awsPortsForTest();

    const records = await ports.dns.readWeightedRecords(KEY);

    expect(route53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([
      { HostedZoneId: KEY.hostedZoneId, StartRecordName: 'app.example.com', StartRecordType: 'A' },
      { HostedZoneId: KEY.hostedZoneId, StartRecordName: 'app.example.com.', StartRecordType: 'A', StartRecordIdentifier: 'prod-green' },
    ]);
    expect(records).toEqual([
      {
        setIdentifier: 'prod-blue',
        weight: 90,
        aliasTarget: { dnsName: 'dualstack.aep-blue-1234567890.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
      },
      {
        setIdentifier: 'prod-green',
        weight: 10,
        aliasTarget: { dnsName: 'dualstack.aep-green-0987654321.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
      },
      { setIdentifier: 'prod-legacy', weight: 0, ttl: 60, values: ['192.0.2.10', '192.0.2.11'] },
    ]);
  });

  it('stops with an error, not a loop, when a page points back where a page already started', async () => {
    let calls = 0;
    route53.on(ListResourceRecordSetsCommand).callsFake(() => {
      if (++calls > 5) throw new Error('the listing went round in circles');
      return calls === 1 ? page1 : { ...page1, ResourceRecordSets: [] };
    });
    const { ports } = awsPortsForTest();

    const failure = await ports.dns.readWeightedRecords(KEY).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Unavailable')).toBe(true);
    expect((failure as Error).message).toContain('made no progress');
    // The first page, then the page it points to, which points to itself.
    expect(calls).toBe(2);
  });

  it('compares names without the trailing dot, case or octal escapes', () => {
    expect(canonicalName('App.Example.COM.')).toBe('app.example.com');
    expect(canonicalName('\\052.app.example.com.')).toBe('*.app.example.com');
  });
});

describe('AwsDns.setWeights', () => {
  it('sends one batch of UPSERTs that copies each changed record and changes only its weight', async () => {
    servePages();
    route53.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date('2024-05-14T09:40:00.000Z'), Comment: 'keelson: set weights' },
    });
    const { ports } = awsPortsForTest();

    const outcome = await ports.dns.setWeights(KEY, [
      { setIdentifier: 'prod-blue', weight: 50 },
      { setIdentifier: 'prod-green', weight: 50 },
      { setIdentifier: 'prod-legacy', weight: 0 },
    ]);

    expect(outcome).toEqual({ result: 'updated', changeId: '/change/C2682N5HXP0BZ4' });
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([
      {
        HostedZoneId: KEY.hostedZoneId,
        ChangeBatch: {
          Comment: 'keelson: set weights',
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'App.Example.com.',
                Type: 'A',
                SetIdentifier: 'prod-blue',
                Weight: 50,
                AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'dualstack.aep-blue-1234567890.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true },
              },
            },
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'app.example.com.',
                Type: 'A',
                SetIdentifier: 'prod-green',
                Weight: 50,
                AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'dualstack.aep-green-0987654321.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true },
                HealthCheckId: 'abcdef11-2222-3333-4444-555555fedcba',
              },
            },
          ],
        },
      },
    ]);
  });

  it('keeps TTL and values of a plain weighted record', async () => {
    servePages();
    route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date(0) } });
    const { ports } = awsPortsForTest();

    await ports.dns.setWeights(KEY, [{ setIdentifier: 'prod-legacy', weight: 5 }]);

    const [change] = route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes ?? [];
    expect(change).toEqual({
      Action: 'UPSERT',
      ResourceRecordSet: { Name: 'app.example.com.', Type: 'A', SetIdentifier: 'prod-legacy', Weight: 5, TTL: 60, ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }] },
    });
  });

  it('makes no change when the weights already match', async () => {
    servePages();
    const { ports } = awsPortsForTest();

    const outcome = await ports.dns.setWeights(KEY, [
      { setIdentifier: 'prod-blue', weight: 90 },
      { setIdentifier: 'prod-green', weight: 10 },
    ]);

    expect(outcome).toEqual({ result: 'unchanged' });
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('fails with NotFound, changing nothing, when a set identifier has no record', async () => {
    servePages();
    const { ports } = awsPortsForTest();

    const failure = await ports.dns
      .setWeights(KEY, [{ setIdentifier: 'prod-blue', weight: 0 }, { setIdentifier: 'prod-purple', weight: 100 }])
      .catch((e: unknown) => e);

    expect(isCloudError(failure, 'NotFound')).toBe(true);
    expect((failure as Error).message).toContain('prod-purple');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });
});

describe('AwsDns.getChangeStatus', () => {
  it('reads the change status', async () => {
    route53
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date(0) } })
      .resolvesOnce({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'INSYNC', SubmittedAt: new Date(0) } });
    const { ports } = awsPortsForTest();

    expect(await ports.dns.getChangeStatus('/change/C2682N5HXP0BZ4')).toBe('PENDING');
    expect(await ports.dns.getChangeStatus('/change/C2682N5HXP0BZ4')).toBe('INSYNC');
    expect(route53.commandCalls(GetChangeCommand)[0]?.args[0].input).toEqual({ Id: '/change/C2682N5HXP0BZ4' });
  });
});
