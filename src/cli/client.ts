// How the CLI reads statuses and asks for operations: through the state store the controller
// writes, or through a running controller's HTTP API.
import { userInfo } from 'node:os';
import { manifestOrNull, type ReleaseManifest } from '../api/manifest.js';
import type { AuditEntry, Release, ReleaseStatus } from '../api/types.js';
import { refuseApproval } from '../server/approval-request.js';
import { compareNames, LIST_LIMITS, parsePhases, parseSelector, selectPage, type ListedStatus, type ListView } from '../server/release-list.js';
import { keptSpecsOf, labelsByName, readSpecsOnce, releasesByName } from '../server/release-specs.js';
import { statusRow, summaryRow, TABLE_COLUMNS, type ReleaseTableBody, type TableRow } from '../server/release-table.js';
import { stepCount, type ReleaseDetail, type ReleaseFull, type ReleaseListBody, type ReleaseSummary } from '../server/releases.js';
import type { OperationRequest, StateStore } from '../store/store.js';
import type { NamedStatus } from './format.js';
import { httpGet } from './http-get.js';
import type { InSource } from './source-lookup.js';

export type OperationKind = OperationRequest['kind'];

/** Which Releases to list: a label selector and a comma list of phases, as typed (checked by the caller). */
export interface ListFilter {
  labelSelector?: string;
  phases?: string;
}

/** One Release as `get -o yaml` and `describe` show it. */
export interface ReleaseView extends NamedStatus {
  /** Operations asked for and not yet applied; undefined when not known (an older server). */
  pendingOperations?: OperationRequest[];
}

export interface Listing<T> {
  releases: T[];
  /** Left out because a selector was given and their labels are not known. */
  labelsUnknown: string[];
}

/** The `get` table: its column names and a row of cells per Release, AGE last. */
export interface ReleaseTable {
  columns: readonly string[];
  rows: TableRow[];
  /** Left out because a selector was given and their labels are not known. */
  labelsUnknown: string[];
}

export interface ReleaseClient {
  /** Every Release that passes the filter, by name, with its whole status. */
  list(filter?: ListFilter): Promise<Listing<NamedStatus>>;
  /** The same Releases as the rows of the `get` table; a server makes them (the shortest answer). */
  table(filter?: ListFilter): Promise<ReleaseTable>;
  get(name: string): Promise<ReleaseStatus | undefined>;
  /** The status with the manifest (apiVersion, kind, metadata, spec) and the operations not yet applied. */
  detail(name: string): Promise<ReleaseView | undefined>;
  /**
   * `overrideWindow` (promote): move on while the deployment window is closed. `rerunJobs` (retry): run the revision's preDeploy jobs again even where they succeeded.
   * Recorded with who asks: the identity the server authenticated, or `local:<user>` against the store. `by` in the answer says which.
   */
  request(name: string, kind: OperationKind, options?: { overrideWindow?: boolean; rerunJobs?: boolean }): Promise<{ seq: number; by?: string }>;
  /** Refused (ApprovalRefused) at once when who approves is outside the group of the gate the Release waits at. */
  approve(name: string, revision: string | undefined): Promise<{ seq: number; by?: string }>;
  /** The Release's audit history, oldest first; undefined when there is no such Release. */
  history(name: string): Promise<AuditEntry[] | undefined>;
  /** Whether the Release is in the controller's sources ('unknown' when that cannot be told). */
  inSource(name: string): Promise<InSource>;
  close(): Promise<void>;
}

/**
 * `approvers`: keelson.yaml's groups, to refuse an approval from outside a waiting gate's group at once.
 * `inSource`: looks the Release up in the configured sources.
 * `inSources`: the Releases the sources hold; with `names`, the sources are read only until those are found.
 */
export function storeClient(
  store: StateStore,
  approvers?: Readonly<Record<string, readonly string[]>>,
  inSource?: (name: string) => Promise<InSource>,
  inSources?: (names?: readonly string[]) => Promise<ReadonlyMap<string, Release>>,
  by: string = localActor(),
): ReleaseClient {
  /**
   * The spec as the sources hold it; the store's last known spec for a Release no source answers
   * for. `specs`: the store with its last known specs read at most once for the whole command.
   */
  const manifests = async (names: string[], specs: Pick<StateStore, 'listLastKnownSpecs'>): Promise<(name: string) => ReleaseManifest | null> => {
    const sourced = inSources ? await inSources(names) : new Map<string, Release>();
    const kept = names.some((n) => !sourced.has(n)) ? await releasesByName(specs, undefined, names) : () => undefined;
    return (name) => manifestOrNull(sourced.get(name) ?? kept(name));
  };
  /** One Release's spec: the sources read until one holds it, else its last known spec read alone. */
  const manifestOf = async (name: string): Promise<ReleaseManifest | null> => {
    const sourced = inSources ? (await inSources([name])).get(name) : undefined;
    if (sourced) return manifestOrNull(sourced);
    return manifestOrNull((await keptSpecsOf(store, [name])).get(name));
  };
  /** One read of the statuses; the last known specs are read (once, through `specs`) only when a selector needs labels. */
  const select = async (filter: ListFilter = {}, specs: Pick<StateStore, 'listLastKnownSpecs'> = store): Promise<Listing<ListedStatus>> => {
    const selector = parseSelector(filter.labelSelector);
    const phases = parsePhases(filter.phases);
    const statuses = await store.listStatuses();
    const labelsOf = selector.requirements.length > 0 ? await labelsByName(specs, undefined, statuses.keys()) : () => undefined;
    const sorted = [...statuses].map(([name, status]): ListedStatus => ({ name, status, labels: labelsOf(name) })).sort((a, b) => compareNames(a.name, b.name));
    const page = selectPage(sorted, { selector, phases, limit: Number.MAX_SAFE_INTEGER, after: undefined, view: 'full' });
    return { releases: page.items, labelsUnknown: page.labelsUnknown };
  };
  return {
    async list(filter) {
      const specs = readSpecsOnce(store);
      const { releases, labelsUnknown } = await select(filter, specs);
      const manifestOf = await manifests(releases.map((r) => r.name), specs);
      return { releases: releases.map(({ name, status }) => ({ name, status, release: manifestOf(name) })), labelsUnknown };
    },
    async table(filter) {
      // The step count comes from the spec the controller last held (one read of the store); the
      // sources are read only for Releases it kept no spec of.
      const specs = readSpecsOnce(store);
      const { releases, labelsUnknown } = await select(filter, specs);
      const names = releases.map((r) => r.name);
      const kept = await releasesByName(specs, undefined, names);
      const unkept = names.filter((n) => kept(n) === undefined);
      const sourced = inSources && unkept.length > 0 ? await inSources(unkept) : new Map<string, Release>();
      const now = Date.now();
      return { columns: TABLE_COLUMNS, rows: releases.map(({ name, status }) => statusRow(name, status, stepCount(kept(name) ?? sourced.get(name)), now)), labelsUnknown };
    },
    get: (name) => store.getStatus(name),
    async detail(name) {
      const status = await store.getStatus(name);
      if (!status) return undefined;
      const [release, pendingOperations] = await Promise.all([manifestOf(name), store.listOperations(name, status.lastOperationSeq ?? 0)]);
      return { name, status, release, pendingOperations };
    },
    async request(name, kind, options) {
      const op = await store.requestOperation({
        release: name,
        kind,
        requestedAt: Date.now(),
        requestedBy: by,
        requestedVia: 'local',
        ...(options?.overrideWindow ? { overrideWindow: true } : {}),
        ...(options?.rerunJobs ? { rerunJobs: true } : {}),
      });
      return { seq: op.seq, by };
    },
    async approve(name, revision) {
      const status = await store.getStatus(name);
      const refusal = status ? refuseApproval(status, by, approvers) : undefined;
      if (refusal) throw new HttpClientError(403, 'ApprovalRefused', refusal);
      const op = await store.requestOperation({ release: name, kind: 'approve', requestedAt: Date.now(), requestedBy: by, requestedVia: 'local', ...(revision ? { revision } : {}) });
      return { seq: op.seq, by };
    },
    async history(name) {
      const status = await store.getStatus(name);
      return status ? (status.audit?.entries ?? []) : undefined;
    },
    inSource: (name) => (inSource ? inSource(name) : Promise.resolve('unknown')),
    close: () => store.close(),
  };
}

/**
 * Who asks, for the CLI writing to the state store itself: the OS user, marked `local:` as no
 * server authenticated it (whoever can write the store can write any name there).
 */
export function localActor(): string {
  return `local:${userInfo().username}`;
}

function recorded(op: OperationRequest | undefined): { seq: number; by?: string } {
  return { seq: op?.seq ?? 0, ...(op?.requestedBy !== undefined ? { by: op.requestedBy } : {}) };
}

export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The query parameter an InvalidParameter answer names. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export function httpClient(server: string, token: string | undefined): ReleaseClient {
  const base = server.replace(/\/+$/, '');
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T | undefined> => {
    if (init.method === undefined) return get<T>(path);
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    if (response.status === 404 && init.method !== 'POST') return undefined;
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!response.ok) throw new HttpClientError(response.status, body.error?.code ?? 'Http', `${base}${path}: ${body.error?.message ?? response.statusText}`);
    return body as T;
  };
  /** A GET on node:http: the reads `keelson get` makes do not wait for fetch to load. */
  const get = async <T>(path: string): Promise<T | undefined> => {
    const response = await httpGet(`${base}${path}`, token ? { authorization: `Bearer ${token}` } : {});
    if (response.status === 404) return undefined;
    let body: { error?: { code?: string; message?: string; parameter?: string } } = {};
    try {
      body = JSON.parse(response.body.toString('utf8')) as typeof body;
    } catch {
      // Not JSON (a proxy's error page): the status line tells what happened.
    }
    const ok = response.status >= 200 && response.status < 300;
    if (!ok) throw new HttpClientError(response.status, body.error?.code ?? 'Http', `${base}${path}: ${body.error?.message ?? response.statusText}`, body.error?.parameter);
    return body as T;
  };
  /** The whole list in pages of the most the server gives at once (one request up to 5,000 Releases), each page handed to `take`. */
  const eachPage = async <P extends { continue?: string; labelsUnknown?: string[] }>(view: ListView, filter: ListFilter, take: (page: P) => void): Promise<string[]> => {
    const labelsUnknown: string[] = [];
    let token: string | undefined;
    do {
      const params = new URLSearchParams({ view, limit: String(LIST_LIMITS.maxLimit) });
      if (filter.labelSelector) params.set('labelSelector', filter.labelSelector);
      if (filter.phases) params.set('phase', filter.phases);
      if (token) params.set('continue', token);
      const page = await call<P>(`/api/v1/releases?${params}`);
      if (!page) throw new HttpClientError(404, 'NotFound', `${base}/api/v1/releases: not found`);
      take(page);
      labelsUnknown.push(...(page.labelsUnknown ?? []));
      token = page.continue;
    } while (token);
    return labelsUnknown;
  };
  const pages = async <T>(view: ListView, filter: ListFilter = {}): Promise<Listing<T>> => {
    const releases: T[] = [];
    const labelsUnknown = await eachPage<ReleaseListBody<T>>(view, filter, (page) => releases.push(...page.releases));
    return { releases, labelsUnknown };
  };
  return {
    async list(filter) {
      const { releases, labelsUnknown } = await pages<ReleaseFull>('full', filter);
      return { releases: releases.map(({ name, status, release }) => ({ name, status, ...(release !== undefined ? { release } : {}) })), labelsUnknown };
    },
    async table(filter = {}) {
      let columns: readonly string[] = TABLE_COLUMNS;
      const rows: TableRow[] = [];
      try {
        const labelsUnknown = await eachPage<ReleaseTableBody>('table', filter, (page) => {
          columns = page.columns;
          for (const row of page.rows) rows.push(row);
        });
        return { columns, rows, labelsUnknown };
      } catch (err) {
        // A server from before the table view refuses it: its summaries make the same rows here.
        if (!(err instanceof HttpClientError && err.code === 'InvalidParameter' && err.parameter === 'view')) throw err;
        const { releases, labelsUnknown } = await pages<ReleaseSummary>('summary', filter);
        const now = Date.now();
        return { columns: TABLE_COLUMNS, rows: releases.map((r) => summaryRow(r, now)), labelsUnknown };
      }
    },
    async get(name) {
      return (await call<{ status: ReleaseStatus }>(`/api/v1/releases/${encodeURIComponent(name)}`))?.status;
    },
    async detail(name) {
      const body = await call<ReleaseDetail>(`/api/v1/releases/${encodeURIComponent(name)}?view=full`);
      return body ? { name, status: body.status, ...(body.release !== undefined ? { release: body.release } : {}), pendingOperations: body.pendingOperations } : undefined;
    },
    async request(name, kind, options) {
      const action = kind === 'promoteFull' ? 'promote' : kind;
      const answer = await call<{ operation: OperationRequest }>(`/api/v1/releases/${encodeURIComponent(name)}/${action}`, {
        method: 'POST',
        body: JSON.stringify({ ...(kind === 'promoteFull' ? { full: true } : {}), ...(options?.overrideWindow ? { overrideWindow: true } : {}), ...(options?.rerunJobs ? { rerunJobs: true } : {}) }),
      });
      return recorded(answer?.operation);
    },
    async approve(name, revision) {
      const answer = await call<{ operation: OperationRequest }>(`/api/v1/releases/${encodeURIComponent(name)}/approve`, {
        method: 'POST',
        body: JSON.stringify(revision ? { revision } : {}),
      });
      return recorded(answer?.operation);
    },
    async history(name) {
      return (await call<{ entries: AuditEntry[] }>(`/api/v1/releases/${encodeURIComponent(name)}/history`))?.entries;
    },
    // The server answers 404 only for a name in none of its sources (an unreconciled one has a placeholder).
    inSource: async (name) => ((await call(`/api/v1/releases/${encodeURIComponent(name)}`)) ? 'yes' : 'no'),
    close: async () => {},
  };
}
