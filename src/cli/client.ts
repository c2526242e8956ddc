// How the CLI reads statuses and asks for operations: through the state store the controller
// writes, or through a running controller's HTTP API.
import type { ReleaseStatus } from '../api/types.js';
import type { OperationRequest, StateStore } from '../store/store.js';
import type { NamedStatus } from './format.js';

export type OperationKind = OperationRequest['kind'];

export interface ReleaseClient {
  list(): Promise<NamedStatus[]>;
  get(name: string): Promise<ReleaseStatus | undefined>;
  /** `overrideWindow` (promote): move on while the deployment window is closed. `rerunJobs` (retry): run the revision's preDeploy jobs again even where they succeeded. */
  request(name: string, kind: OperationKind, by: string, options?: { overrideWindow?: boolean; rerunJobs?: boolean }): Promise<{ seq: number }>;
  close(): Promise<void>;
}

export function storeClient(store: StateStore): ReleaseClient {
  return {
    async list() {
      const all = await store.listStatuses();
      return [...all].map(([name, status]) => ({ name, status })).sort((a, b) => a.name.localeCompare(b.name));
    },
    get: (name) => store.getStatus(name),
    async request(name, kind, by, options) {
      return store.requestOperation({
        release: name,
        kind,
        requestedAt: Date.now(),
        requestedBy: by,
        ...(options?.overrideWindow ? { overrideWindow: true } : {}),
        ...(options?.rerunJobs ? { rerunJobs: true } : {}),
      });
    },
    close: () => store.close(),
  };
}

export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function httpClient(server: string, token: string | undefined): ReleaseClient {
  const base = server.replace(/\/+$/, '');
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T | undefined> => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    if (response.status === 404 && init.method !== 'POST') return undefined;
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!response.ok) throw new HttpClientError(response.status, body.error?.code ?? 'Http', `${base}${path}: ${body.error?.message ?? response.statusText}`);
    return body as T;
  };
  return {
    async list() {
      const listed = await call<{ releases: { name: string }[] }>('/api/v1/releases');
      const out: NamedStatus[] = [];
      for (const { name } of listed?.releases ?? []) {
        const one = await call<{ status: ReleaseStatus }>(`/api/v1/releases/${encodeURIComponent(name)}`);
        if (one?.status) out.push({ name, status: one.status });
      }
      return out;
    },
    async get(name) {
      return (await call<{ status: ReleaseStatus }>(`/api/v1/releases/${encodeURIComponent(name)}`))?.status;
    },
    async request(name, kind, by, options) {
      const action = kind === 'promoteFull' ? 'promote' : kind;
      const answer = await call<{ operation: { seq: number } }>(`/api/v1/releases/${encodeURIComponent(name)}/${action}`, {
        method: 'POST',
        body: JSON.stringify({ by, ...(kind === 'promoteFull' ? { full: true } : {}), ...(options?.overrideWindow ? { overrideWindow: true } : {}), ...(options?.rerunJobs ? { rerunJobs: true } : {}) }),
      });
      return { seq: answer?.operation.seq ?? 0 };
    },
    close: async () => {},
  };
}
