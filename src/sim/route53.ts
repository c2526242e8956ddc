// Route 53 weighted records. A change is PENDING for the propagation time, then INSYNC; clients
// keep their cached answers for the record's TTL after that, so traffic follows "effective"
// weights that lag the API's by propagation + TTL.

import { CloudError } from '../cloud/errors.js';
import type { ChangeStatus, RecordKey, WeightedRecord, WriteResult } from '../cloud/ports.js';
import { apiRecordName, normalizeRecordName } from './arns.js';
import type { SimContext } from './context.js';

export const ROUTE53_DEFAULTS = {
  changePropagationMs: 30_000,
  /** What clients cache an alias answer for (ELB alias targets answer with TTL 60). */
  aliasTtlSeconds: 60,
  /** ListResourceRecordSets answers with up to 300 record sets per page. */
  listPageSize: 300,
} as const;

/** Where a ListResourceRecordSets page starts (StartRecordName/Type/Identifier). */
export interface ListStart {
  name: string;
  type: string;
  identifier?: string;
}

export interface ListedRecord {
  /** Fully qualified, lowercase, escaped, with the trailing dot: as Route 53 answers. */
  name: string;
  type: RecordKey['recordType'];
  record: WeightedRecord;
}

export interface ListPage {
  records: ListedRecord[];
  isTruncated: boolean;
  /** NextRecordName/Type/Identifier when truncated. */
  next?: Required<ListStart>;
}

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
    this.requireZone(key.hostedZoneId);
    const set = this.recordSets.get(DnsModel.keyOf(key));
    // Not an AWS answer (an UPSERT would create the record): what the AWS adapter says before writing.
    if (!set) throw new CloudError('NotFound', `no weighted ${key.recordType} record ${key.recordName} in hosted zone ${key.hostedZoneId}`, { service: 'route53' });
    return set;
  }

  /**
   * ListResourceRecordSets as the Route 53 API Reference documents it: the zone's record sets
   * sorted by name with its labels reversed (com.example.www.), then by type, listed from the
   * first one at or after StartRecordName and StartRecordType. A name without records is no
   * error: the answer starts at the names after it. Names compare in lowercase, the trailing dot
   * implied. Weighted records of one name and type follow each other by set identifier.
   */
  list(hostedZoneId: string, start: ListStart, maxItems: number = ROUTE53_DEFAULTS.listPageSize): ListPage {
    this.requireZone(hostedZoneId);
    const from = listOrder(start.name, start.type, start.identifier ?? '');
    const all: ListedRecord[] = [];
    for (const set of this.recordSets.values()) {
      if (set.key.hostedZoneId !== hostedZoneId) continue;
      for (const record of set.records.values()) all.push({ name: apiRecordName(set.key.recordName), type: set.key.recordType, record });
    }
    const order = (r: ListedRecord): string[] => listOrder(r.name, r.type, r.record.setIdentifier);
    const listed = all.filter((r) => compareOrder(order(r), from) >= 0).sort((a, b) => compareOrder(order(a), order(b)));
    const page = listed.slice(0, maxItems).map((r) => ({ ...r, record: copyRecord(r.record) }));
    const following = listed[maxItems];
    return following
      ? { records: page, isTruncated: true, next: { name: following.name, type: following.type, identifier: following.record.setIdentifier } }
      : { records: page, isTruncated: false };
  }

  /** The weighted records of one name and type, as the AWS adapter reads them: none is an empty list. */
  read(key: RecordKey): WeightedRecord[] {
    const wanted = normalizeRecordName(key.recordName);
    const found: WeightedRecord[] = [];
    let start: ListStart | undefined = { name: key.recordName, type: key.recordType };
    while (start) {
      const page = this.list(key.hostedZoneId, start);
      const matching = page.records.filter((r) => normalizeRecordName(r.name) === wanted && r.type === key.recordType);
      found.push(...matching.map((r) => r.record));
      start = page.isTruncated && matching.length === page.records.length ? page.next : undefined;
    }
    return found;
  }

  private requireZone(hostedZoneId: string): void {
    if (!this.zones.has(hostedZoneId)) {
      throw new CloudError('NotFound', `No hosted zone found with ID: ${hostedZoneId}`, { service: 'route53', awsCode: 'NoSuchHostedZone' });
    }
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
    const id = this.newChangeId();
    const all = new Map([...set.records.values()].map((r) => [r.setIdentifier, r.weight]));
    this.changes.set(id, { id, recordLabel: DnsModel.keyOf(key), insyncAt: now + this.propagationMs, status: 'PENDING', weights: all });
    const text = [...all.entries()].map(([s, w]) => `${s}=${w}`).join(' ');
    this.ctx.events.add(now, 'record.changed', set.label, `${id} ${text}${by === 'api' ? '' : ` (${by})`}`);
    return { result: 'updated', changeId: id };
  }

  /**
   * A change id as Route 53 gives one (`/change/C2682N5HXP0BZ4`): drawn from the seeded id
   * stream, never one already given in this run, as GetChange needs it to name one batch.
   */
  private newChangeId(): string {
    for (;;) {
      const id = `/change/C${this.ctx.ids.chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 13)}`;
      if (!this.changes.has(id)) return id;
    }
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

/** Sort key of a record set in a listing: labels reversed, lowercase, then type, then set identifier. */
function listOrder(name: string, type: string, identifier: string): string[] {
  const labels = normalizeRecordName(name).split('.').reverse().join('.');
  return [`${labels}.`, type, identifier];
}

function compareOrder(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
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
