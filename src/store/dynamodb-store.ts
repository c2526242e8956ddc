// State in one DynamoDB table (created by createTables), keys pk (S) + sk (S):
//   pk release#<name>  sk status              status (M), fence (N), fenceLease (S), updatedAt (S),
//                                             statusFeed (S), statusChangedAt (N): the key of the
//                                             sparse index statusChanges (dynamodb-status-feed.ts)
//   pk release#<name>  sk spec                spec (M): the spec last held and its source; fence (N)
//   pk release#<name>  sk opcounter           seq (N): the last operation number, an atomic counter
//   pk release#<name>  sk op#<seq, 10 digits> one operation: kind, requestedAt, requestedBy, seq
//   pk lease#<name>    sk lease               holder (S), token (N), expiresAt (N)
// Status writes are refused when the lease has a newer token, and conditioned on the item's own
// fence (`attribute_not_exists(fence) OR fence <= :token`, for the same lease), so an old holder
// can never overwrite a newer holder's status. With sharding a Release's lease is its shard's
// (`<lease>/shard-<i>`); member slots (`<lease>/member-<j>`) and the shard-count lease
// (`<lease>/shard-count`) are leases too.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { upgradeStatus } from '../api/status-upgrade.js';
import type { ReleaseStatus } from '../api/types.js';
import { RealClock, type Clock } from '../runtime/clock.js';
import type { SourceLogger } from '../sources/source-log.js';
import { batchGetAll, UnreadKeysError } from './dynamodb-batch-get.js';
import { isMissingIndex, STATUS_FEED, statusChangesSince, statusFeedAttributes } from './dynamodb-status-feed.js';
import { StatusListCache, type ReadStatus, type StatusListStats } from './status-list-cache.js';
import { StaleFenceError, StoreUnavailableError, type LastKnownSpec, type Lease, type OperationRequest, type StateStore, type StoredRelease } from './store.js';

export interface DynamoStateStoreOptions {
  client: DynamoDBClient;
  table: string;
  /** For updatedAt stamps; the real clock by default. */
  clock?: Clock;
  /** Where a table without the status feed index is said (once). */
  logger?: SourceLogger;
  /** Lists: how long one read of the feed serves, how often a full Scan runs, the feed's overlap (STATUS_LIST_DEFAULTS). */
  statusList?: { refreshAfterMs?: number; fullScanIntervalMs?: number; feedOverlapMs?: number };
}

type Fence = { lease: string; token: number };

const STATUS = 'status';
const SPEC = 'spec';
const OP_COUNTER = 'opcounter';
const LEASE = 'lease';
const opKey = (seq: number): string => `op#${String(seq).padStart(10, '0')}`;
const releaseKey = (name: string): string => `release#${name}`;
const leaseKey = (name: string): string => `lease#${name}`;
const nameOfKey = (pk: string): string | undefined => (pk.startsWith('release#') ? pk.slice('release#'.length) : undefined);

function readStatusOf(item: Record<string, unknown>): ReadStatus {
  const changedAt = item[STATUS_FEED.stampAttribute];
  return { status: upgradeStatus(item.status as ReleaseStatus), changedAt: typeof changedAt === 'number' ? changedAt : undefined };
}

/**
 * An item's own fence, compared only with tokens of the same lease: a Release whose lease changed
 * (sharding turned on, the shard count changed) is written under its new lease's tokens, which
 * start again from 1. Two leases never guard one Release at once: replicas with another shard
 * count stand down (src/runtime/shard-keeper.ts).
 */
function itemFenceCondition(fence: Fence): Pick<PutCommand['input'], 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  return {
    ConditionExpression: 'attribute_not_exists(#fence) OR #fence <= :token OR (attribute_exists(#fenceLease) AND #fenceLease <> :lease)',
    ExpressionAttributeNames: { '#fence': 'fence', '#fenceLease': 'fenceLease' },
    ExpressionAttributeValues: { ':token': fence.token, ':lease': fence.lease },
  };
}

export class DynamoStateStore implements StateStore {
  readonly description: string;
  private readonly docs: DynamoDBDocumentClient;
  private readonly clock: Clock;
  private readonly statusList: StatusListCache;

  constructor(private readonly options: DynamoStateStoreOptions) {
    this.description = `dynamodb:${options.table}`;
    this.docs = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.clock = options.clock ?? new RealClock();
    this.statusList = new StatusListCache({
      clock: this.clock,
      description: this.description,
      ...(options.logger ? { logger: options.logger } : {}),
      ...options.statusList,
      reads: {
        scan: () => this.scanStatusItems(),
        changesSince: async (since) => {
          try {
            return await statusChangesSince(this.docs, this.options.table, since, nameOfKey);
          } catch (err) {
            // A table made before the index existed: full Scans, as before.
            if (isMissingIndex(err)) return undefined;
            throw err;
          }
        },
        read: (names) => this.readStatusItems(names),
      },
    });
  }

  async getStatus(release: string): Promise<ReleaseStatus | undefined> {
    const out = await this.docs.send(new GetCommand({ TableName: this.options.table, Key: { pk: releaseKey(release), sk: STATUS }, ConsistentRead: true }));
    const status = out.Item?.status as ReleaseStatus | undefined;
    return status && upgradeStatus(status);
  }

  /**
   * BatchGetItem of each Release's status and operation counter (strongly consistent, 100 keys a
   * call); operations are queried only for the Releases whose counter is past their status's
   * lastOperationSeq, so a resync in steady state costs Releases/50 calls.
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
   */
  async readReleases(names: readonly string[]): Promise<Map<string, StoredRelease>> {
    const keys = [...new Set(names)].flatMap((name) => [STATUS, OP_COUNTER].map((sk) => ({ pk: releaseKey(name), sk })));
    const items = new Map<string, Record<string, unknown>>();
    for (const item of await this.batchGet(keys)) items.set(`${String(item.pk)} ${String(item.sk)}`, item);
    const out = new Map<string, StoredRelease>();
    await Promise.all(
      names.map(async (name) => {
        const raw = items.get(`${releaseKey(name)} ${STATUS}`)?.status as ReleaseStatus | undefined;
        const status = raw && upgradeStatus(raw);
        const after = status?.lastOperationSeq ?? 0;
        const counter = Number(items.get(`${releaseKey(name)} ${OP_COUNTER}`)?.seq ?? 0);
        const operations = counter > after ? await this.listOperations(name, after) : [];
        out.set(name, status ? { status, operations } : { operations });
      }),
    );
    return out;
  }

  /** batchGetAll, its last resort a visible StoreUnavailable (reason UnprocessedKeys). */
  private async batchGet(keys: readonly Record<string, string>[]): Promise<Record<string, unknown>[]> {
    try {
      return await batchGetAll(this.docs, this.options.table, keys, (ms) => this.clock.sleep(ms));
    } catch (err) {
      if (err instanceof UnreadKeysError) throw new StoreUnavailableError('UnprocessedKeys', err.message, { cause: err });
      throw err;
    }
  }

  async listStatuses(): Promise<Map<string, ReleaseStatus>> {
    const statuses = new Map<string, ReleaseStatus>();
    for (const item of await this.scanSortKey(STATUS, 'status')) {
      statuses.set(String(item.pk).slice('release#'.length), upgradeStatus(item.status as ReleaseStatus));
    }
    return statuses;
  }

  /**
   * Every status, to show: kept in memory between lists and brought up to date with one Query of
   * the status feed (and a consistent BatchGetItem of what it names) at most every refreshAfterMs,
   * a full Scan every fullScanIntervalMs (status-list-cache.ts). This process's own writes show
   * at once; other writers' within refreshAfterMs plus the index's lag, their deletions within
   * fullScanIntervalMs. The objects are shared and frozen.
   */
  readStatuses(): Promise<ReadonlyMap<string, ReleaseStatus>> {
    return this.statusList.list();
  }

  /** How lists were read (Scans, feed Queries, statuses read by name). */
  statusListStats(): StatusListStats {
    return this.statusList.stats();
  }

  async putStatus(release: string, status: ReleaseStatus, fence: Fence): Promise<void> {
    const now = this.clock.now();
    await this.fencedPut(fence, { pk: releaseKey(release), sk: STATUS, status, updatedAt: new Date(now).toISOString(), ...statusFeedAttributes(now) });
    this.statusList.wrote(release, status, now);
  }

  async deleteStatus(release: string, fence: Fence): Promise<void> {
    await this.checkLease(fence);
    await this.fencedWrite(
      fence,
      new DeleteCommand({
        TableName: this.options.table,
        Key: { pk: releaseKey(release), sk: STATUS },
        ...itemFenceCondition(fence),
      }),
    );
    this.statusList.deleted(release);
  }

  async putLastKnownSpec(spec: LastKnownSpec, fence: Fence): Promise<void> {
    await this.fencedPut(fence, { pk: releaseKey(spec.release.metadata.name), sk: SPEC, spec });
  }

  async listLastKnownSpecs(): Promise<LastKnownSpec[]> {
    return (await this.scanSortKey(SPEC, 'spec')).map((item) => item.spec as LastKnownSpec);
  }

  async readLastKnownSpec(release: string): Promise<LastKnownSpec | undefined> {
    const out = await this.docs.send(new GetCommand({ TableName: this.options.table, Key: { pk: releaseKey(release), sk: SPEC }, ConsistentRead: true }));
    return out.Item?.spec as LastKnownSpec | undefined;
  }

  async requestOperation(op: Omit<OperationRequest, 'seq'>): Promise<OperationRequest> {
    const counter = await this.docs.send(
      new UpdateCommand({
        TableName: this.options.table,
        Key: { pk: releaseKey(op.release), sk: OP_COUNTER },
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const request: OperationRequest = { ...op, seq: Number(counter.Attributes?.seq) };
    await this.docs.send(new PutCommand({ TableName: this.options.table, Item: { pk: releaseKey(op.release), sk: opKey(request.seq), ...request } }));
    return request;
  }

  async listOperations(release: string, afterSeq: number): Promise<OperationRequest[]> {
    const ops: OperationRequest[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.docs.send(
        new QueryCommand({
          TableName: this.options.table,
          ConsistentRead: true,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': releaseKey(release), ':from': opKey(afterSeq + 1), ':to': opKey(9_999_999_999) },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...op } = item;
        ops.push(op as OperationRequest);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ops;
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number, seen?: Lease | null): Promise<Lease | undefined> {
    // A lease a shard round has just read in its BatchGetItem is not read again: the Put below is
    // conditioned on it as read, so one changed since makes this attempt fail, never act on it.
    const current = seen === undefined ? await this.read(name) : (seen ?? undefined);
    const expiresAt = now + ttlMs;
    const free = !current || current.holder === '' || current.expiresAt <= now;
    if (current && current.holder !== holder && !free) return undefined;
    const token = current && current.holder === holder ? current.token : (current?.token ?? 0) + 1;
    const lease: Lease = { name, holder, token, expiresAt };
    try {
      // Conditioned on the lease being as read: of two racing standbys, one wins. Taking it from
      // another holder also needs its expiry unchanged: a holder that renewed since keeps it. (A
      // renewal checks holder and token only: replicas renewing one shared lease, the shard-count
      // lease, all succeed.)
      const takeover = current !== undefined && current.holder !== holder;
      await this.docs.send(
        new PutCommand({
          TableName: this.options.table,
          Item: { pk: leaseKey(name), sk: LEASE, ...lease },
          ...(current
            ? {
                ConditionExpression: `#holder = :holder AND #token = :token${takeover ? ' AND #expiresAt = :expiresAt' : ''}`,
                ExpressionAttributeNames: { '#holder': 'holder', '#token': 'token', ...(takeover ? { '#expiresAt': 'expiresAt' } : {}) },
                ExpressionAttributeValues: { ':holder': current.holder, ':token': current.token, ...(takeover ? { ':expiresAt': current.expiresAt } : {}) },
              }
            : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }),
        }),
      );
      return lease;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async release(lease: Lease): Promise<void> {
    try {
      await this.docs.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: leaseKey(lease.name), sk: LEASE },
          UpdateExpression: 'SET #holder = :nobody, #expiresAt = :zero',
          ConditionExpression: '#holder = :holder AND #token = :token',
          ExpressionAttributeNames: { '#holder': 'holder', '#token': 'token', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':nobody': '', ':zero': 0, ':holder': lease.holder, ':token': lease.token },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // no longer ours: nothing to give up
    }
  }

  async read(name: string): Promise<Lease | undefined> {
    const out = await this.docs.send(new GetCommand({ TableName: this.options.table, Key: { pk: leaseKey(name), sk: LEASE }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { holder, token, expiresAt } = out.Item as { holder: string; token: number; expiresAt: number };
    return { name, holder, token: Number(token), expiresAt: Number(expiresAt) };
  }

  /**
   * Every lease named in one BatchGetItem (strongly consistent, 100 keys a call): a shard round
   * reads its member slots, shard leases and the plain lease at once.
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
   */
  async readLeases(names: readonly string[]): Promise<Map<string, Lease>> {
    const wanted = [...new Set(names)];
    const leases = new Map<string, Lease>();
    for (const item of await this.batchGet(wanted.map((name) => ({ pk: leaseKey(name), sk: LEASE })))) {
      const name = String(item.pk).slice('lease#'.length);
      leases.set(name, { name, holder: String(item.holder), token: Number(item.token), expiresAt: Number(item.expiresAt) });
    }
    return leases;
  }

  async close(): Promise<void> {
    await this.statusList.settle();
  }

  /** A newer holder exists: refuse before writing (the item condition covers the write race). */
  private async checkLease(fence: Fence): Promise<void> {
    const lease = await this.read(fence.lease);
    if (lease && lease.token > fence.token) {
      throw new StaleFenceError(`fencing token ${fence.token} is older than ${lease.token} of lease ${fence.lease} (held by ${lease.holder || 'nobody'})`);
    }
  }

  /** A put refused when the lease, or the item's own fence, is newer than `fence`. */
  private async fencedPut(fence: Fence, item: Record<string, unknown>): Promise<void> {
    await this.checkLease(fence);
    await this.fencedWrite(
      fence,
      new PutCommand({
        TableName: this.options.table,
        Item: { ...item, fence: fence.token, fenceLease: fence.lease },
        ...itemFenceCondition(fence),
      }),
    );
  }

  /**
   * Every item of one sort key (one kind of record): its pk and `attributes`, by a consistent Scan
   * page after page (each page up to 1 MB; LastEvaluatedKey is the next page's ExclusiveStartKey,
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.Pagination).
   */
  private async scanSortKey(sk: string, ...attributes: string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.docs.send(
        new ScanCommand({
          TableName: this.options.table,
          ConsistentRead: true,
          FilterExpression: '#sk = :sk',
          ProjectionExpression: ['#pk', ...Object.keys(names)].join(', '),
          ExpressionAttributeNames: { '#sk': 'sk', '#pk': 'pk', ...names },
          ExpressionAttributeValues: { ':sk': sk },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Every status item with its feed stamp. */
  private async scanStatusItems(): Promise<Map<string, ReadStatus>> {
    const out = new Map<string, ReadStatus>();
    for (const item of await this.scanSortKey(STATUS, 'status', STATUS_FEED.stampAttribute)) {
      const name = nameOfKey(String(item.pk));
      if (name !== undefined) out.set(name, readStatusOf(item));
    }
    return out;
  }

  /** The status items of these Releases, with a consistent BatchGetItem. */
  private async readStatusItems(names: readonly string[]): Promise<Map<string, ReadStatus>> {
    const out = new Map<string, ReadStatus>();
    for (const item of await this.batchGet(names.map((name) => ({ pk: releaseKey(name), sk: STATUS })))) {
      const name = nameOfKey(String(item.pk));
      if (name !== undefined) out.set(name, readStatusOf(item));
    }
    return out;
  }

  private async fencedWrite(fence: Fence, command: PutCommand | DeleteCommand): Promise<void> {
    try {
      await this.docs.send(command as PutCommand);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new StaleFenceError(`a newer holder of lease ${fence.lease} than token ${fence.token} already wrote this status`);
      }
      throw err;
    }
  }
}
