// DnsPort on the Route 53 API: weighted record sets of one name and type.
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Change, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { CloudError } from '../errors.js';
import type { ChangeStatus, DnsPort, RecordKey, WeightedRecord, WriteResult } from '../ports.js';
import type { AwsCall } from './call.js';

const SERVICE = 'route53';
const CHANGE_COMMENT = 'keelson: set weights';

/** A weighted record as Route 53 holds it: every field is written back unchanged but Weight. */
type WeightedRecordSet = ResourceRecordSet & { SetIdentifier: string; Weight: number };

export class AwsDns implements DnsPort {
  constructor(
    private readonly client: Route53Client,
    private readonly call: AwsCall,
  ) {}

  async readWeightedRecords(key: RecordKey): Promise<WeightedRecord[]> {
    return (await this.listWeighted(key)).map(toWeightedRecord);
  }

  async setWeights(
    key: RecordKey,
    weights: readonly { setIdentifier: string; weight: number }[],
  ): Promise<{ result: WriteResult; changeId?: string }> {
    const records = new Map((await this.listWeighted(key)).map((r) => [r.SetIdentifier, r]));
    const missing = weights.filter((w) => !records.has(w.setIdentifier)).map((w) => w.setIdentifier);
    if (missing.length > 0) {
      throw new CloudError(
        'NotFound',
        `${SERVICE} ChangeResourceRecordSets: no weighted ${key.recordType} record ${key.recordName} with set identifier ${missing.join(', ')} in ${key.hostedZoneId}`,
        { service: SERVICE, operation: 'ChangeResourceRecordSets' },
      );
    }
    const changes: Change[] = weights.flatMap((w) => {
      const record = records.get(w.setIdentifier) as WeightedRecordSet;
      return record.Weight === w.weight ? [] : [{ Action: 'UPSERT', ResourceRecordSet: { ...record, Weight: w.weight } }];
    });
    if (changes.length === 0) return { result: 'unchanged' };
    // One batch: Route 53 applies it all or nothing, so the weights never pass through a mix.
    const out = await this.call('ChangeResourceRecordSets', () =>
      this.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: key.hostedZoneId,
          ChangeBatch: { Comment: CHANGE_COMMENT, Changes: changes },
        }),
      ),
    );
    return out.ChangeInfo?.Id ? { result: 'updated', changeId: out.ChangeInfo.Id } : { result: 'updated' };
  }

  async getChangeStatus(changeId: string): Promise<ChangeStatus> {
    const out = await this.call('GetChange', () => this.client.send(new GetChangeCommand({ Id: changeId })));
    return out.ChangeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING';
  }

  /**
   * Lists from the record's name and type on, page by page while the pages still hold it. Route 53
   * never fails for a name without records: it answers with the record sets after it, in its order
   * (API Reference, ListResourceRecordSets), so only exact name and type matches are kept.
   */
  private async listWeighted(key: RecordKey): Promise<WeightedRecordSet[]> {
    const wanted = canonicalName(key.recordName);
    const matches = (name: string | undefined, type: string | undefined): boolean =>
      name !== undefined && canonicalName(name) === wanted && type === key.recordType;
    const found: WeightedRecordSet[] = [];
    const asked = new Set<string>();
    let start: { name: string; type: string; identifier?: string } | undefined = { name: key.recordName, type: key.recordType };
    while (start) {
      const from: { name: string; type: string; identifier?: string } = start;
      // A page that points back where a page already started would loop for ever.
      const position = `${canonicalName(from.name)}|${from.type}|${from.identifier ?? ''}`;
      if (asked.has(position)) {
        throw new CloudError(
          'Unavailable',
          `${SERVICE} ListResourceRecordSets: the listing of ${key.recordName} ${key.recordType} in ${key.hostedZoneId} made no progress (next page starts at ${from.name} ${from.type} ${from.identifier ?? ''} again)`,
          { service: SERVICE, operation: 'ListResourceRecordSets' },
        );
      }
      asked.add(position);
      const page = await this.call('ListResourceRecordSets', () =>
        this.client.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: key.hostedZoneId,
            StartRecordName: from.name,
            StartRecordType: key.recordType,
            ...(from.identifier !== undefined ? { StartRecordIdentifier: from.identifier } : {}),
          }),
        ),
      );
      for (const r of page.ResourceRecordSets ?? []) {
        if (matches(r.Name, r.Type) && r.SetIdentifier !== undefined && r.Weight !== undefined) {
          found.push(r as WeightedRecordSet);
        }
      }
      start =
        page.IsTruncated && page.NextRecordName !== undefined && matches(page.NextRecordName, page.NextRecordType)
          ? { name: page.NextRecordName, type: key.recordType, ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}) }
          : undefined;
    }
    return found;
  }
}

/**
 * Route 53 returns names fully qualified (trailing dot), with special characters as octal
 * escapes (`\052` for `*`), in a case the manifest may not share. Compare them in one form.
 */
export function canonicalName(name: string): string {
  return name
    .replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    .replace(/\.$/, '')
    .toLowerCase();
}

function toWeightedRecord(r: WeightedRecordSet): WeightedRecord {
  const record: WeightedRecord = { setIdentifier: r.SetIdentifier, weight: r.Weight };
  if (r.TTL !== undefined) record.ttl = r.TTL;
  if (r.ResourceRecords) record.values = r.ResourceRecords.map((v) => v.Value ?? '');
  if (r.AliasTarget) {
    record.aliasTarget = {
      dnsName: r.AliasTarget.DNSName ?? '',
      hostedZoneId: r.AliasTarget.HostedZoneId ?? '',
      evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth ?? false,
    };
  }
  return record;
}
