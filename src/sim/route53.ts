// Route 53 weighted records. A change is PENDING for the propagation time, then INSYNC; clients
// keep their cached answers for the record's TTL after that, so traffic follows "effective"
// weights that lag the API's by propagation + TTL.

import { CloudError } from '../cloud/errors.js';
import type { ChangeStatus, RecordKey, WeightedRecord, WriteResult } from '../cloud/ports.js';
import { normalizeRecordName } from './arns.js';
import type { SimContext } from './context.js';

export const ROUTE53_DEFAULTS = {
  changePropagationMs: 30_000,
  /** What clients cache an alias answer for (ELB alias targets answer with TTL 60). */
  aliasTtlSeconds: 60,
} as const;

export interface SimRecordSet {
  key: RecordKey;
  label: string;
  /** By setIdentifier, sorted. */
  records: Map<string, WeightedRecord>;
  /** The weights clients act on now. */
  effective: Map<string, number>;
  /** Effective weights waiting for their time, oldest first. */
  upcoming: { at: number; weights: Map<string, number> }[];
}

interface SimChange {
  id: string;
  recordLabel: string;
  insyncAt: number;
  status: ChangeStatus;
  weights: Map<string, number>;
}

export class DnsModel {
  readonly zones = new Map<string, string>();
  readonly recordSets = new Map<string, SimRecordSet>();
  private readonly changes = new Map<string, SimChange>();

  constructor(
    private readonly ctx: SimContext,
    readonly propagationMs: number = ROUTE53_DEFAULTS.changePropagationMs,
  ) {}

  static keyOf(key: RecordKey): string {
    return `${key.hostedZoneId}|${normalizeRecordName(key.recordName)}|${key.recordType}`;
  }

  addRecord(key: RecordKey, record: WeightedRecord): void {
    const id = DnsModel.keyOf(key);
    let set = this.recordSets.get(id);
    if (!set) {
      set = { key: { ...key, recordName: normalizeRecordName(key.recordName) }, label: `${normalizeRecordName(key.recordName)} ${key.recordType}`, records: new Map(), effective: new Map(), upcoming: [] };
      this.recordSets.set(id, set);
    }
    set.records.set(record.setIdentifier, { ...record });
    set.records = new Map([...set.records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    set.effective.set(record.setIdentifier, record.weight);
  }

  recordSet(key: RecordKey): SimRecordSet {
    if (!this.zones.has(key.hostedZoneId)) {
      throw new CloudError('NotFound', `No hosted zone found with ID: ${key.hostedZoneId}`, { service: 'route53', awsCode: 'NoSuchHostedZone' });
    }
    const set = this.recordSets.get(DnsModel.keyOf(key));
    if (!set) throw new CloudError('NotFound', `No weighted records ${key.recordName} ${key.recordType} in ${key.hostedZoneId}`, { service: 'route53', awsCode: 'NoSuchRecord' });
    return set;
  }

  read(key: RecordKey): WeightedRecord[] {
    return [...this.recordSet(key).records.values()].map(copyRecord);
  }

  /** UPSERTs the weights (values and TTL kept) as one change batch. */
  setWeights(key: RecordKey, weights: readonly { setIdentifier: string; weight: number }[], now: number, by = 'api'): { result: WriteResult; changeId?: string } {
    const set = this.recordSet(key);
    for (const w of weights) {
      if (!set.records.has(w.setIdentifier)) {
        throw new CloudError('NotFound', `No record ${set.label} with set identifier ${w.setIdentifier}`, { service: 'route53', awsCode: 'InvalidChangeBatch' });
      }
      if (!Number.isInteger(w.weight) || w.weight < 0 || w.weight > 255) {
        throw new CloudError('Invalid', `Weight must be an integer from 0 to 255 (got ${w.weight})`, { service: 'route53', awsCode: 'InvalidInput' });
      }
    }
    if (weights.every((w) => set.records.get(w.setIdentifier)?.weight === w.weight)) return { result: 'unchanged' };
    for (const w of weights) (set.records.get(w.setIdentifier) as WeightedRecord).weight = w.weight;
    const id = `/change/C${this.ctx.ids.chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 13)}`;
    const all = new Map([...set.records.values()].map((r) => [r.setIdentifier, r.weight]));
    this.changes.set(id, { id, recordLabel: DnsModel.keyOf(key), insyncAt: now + this.propagationMs, status: 'PENDING', weights: all });
    const text = [...all.entries()].map(([s, w]) => `${s}=${w}`).join(' ');
    this.ctx.events.add(now, 'record.changed', set.label, `${id} ${text}${by === 'api' ? '' : ` (${by})`}`);
    return { result: 'updated', changeId: id };
  }

  changeStatus(changeId: string): ChangeStatus {
    const id = changeId.startsWith('/change/') ? changeId : `/change/${changeId}`;
    const change = this.changes.get(id);
    if (!change) throw new CloudError('NotFound', `No change with id ${changeId}`, { service: 'route53', awsCode: 'NoSuchChange' });
    return change.status;
  }

  effectiveWeights(key: RecordKey): Map<string, number> {
    return this.recordSet(key).effective;
  }

  tick(now: number): void {
    for (const change of this.changes.values()) {
      if (change.status !== 'PENDING' || now < change.insyncAt) continue;
      change.status = 'INSYNC';
      const set = this.recordSets.get(change.recordLabel);
      if (!set) continue;
      this.ctx.events.add(now, 'record.insync', set.label, change.id);
      set.upcoming.push({ at: now + maxTtlMs(set), weights: change.weights });
    }
    for (const set of this.recordSets.values()) {
      while (set.upcoming.length > 0 && now >= (set.upcoming[0] as { at: number }).at) {
        const next = set.upcoming.shift() as { weights: Map<string, number> };
        set.effective = new Map(next.weights);
        const text = [...set.effective.entries()].map(([s, w]) => `${s}=${w}`).join(' ');
        this.ctx.events.add(now, 'record.effective', set.label, text);
      }
    }
  }
}

function maxTtlMs(set: SimRecordSet): number {
  let ttl = 0;
  for (const r of set.records.values()) ttl = Math.max(ttl, r.ttl ?? ROUTE53_DEFAULTS.aliasTtlSeconds);
  return ttl * 1000;
}

function copyRecord(r: WeightedRecord): WeightedRecord {
  return {
    setIdentifier: r.setIdentifier,
    weight: r.weight,
    ...(r.ttl !== undefined ? { ttl: r.ttl } : {}),
    ...(r.values ? { values: [...r.values] } : {}),
    ...(r.aliasTarget ? { aliasTarget: { ...r.aliasTarget } } : {}),
  };
}
