// The routes of the controller's HTTP server: each a method, a path pattern and a handler that
// returns a Reply or throws an HttpApiError. The node:http plumbing lives in http.ts.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { HttpServerOptions } from './http.js';
import { DashboardAssets } from './dashboard-assets.js';
import { EventHub, EVENT_STREAM_LIMITS } from './events.js';
import { trailOf } from './trail-route.js';
import { approverGroupsOf } from '../api/approver-membership.js';
import { rolesOf } from './access.js';
import { Authenticator } from './authenticate.js';
import { Access, releaseFacts } from './authorize.js';
import { parseOperationBody } from './body.js';
import { errorBody, HttpApiError } from './errors.js';
import { requestOperation } from './operations.js';
import { refuseApproval } from './approval-request.js';
import { DEFAULTS } from '../api/defaults.js';
import { listReleases, listReleaseTable, listQueryOf } from './list-releases.js';
import { notYetReconciled, type ReleaseDetail } from './releases.js';
import { detailView, releasesByName } from './release-specs.js';
import { manifestOrNull } from '../api/manifest.js';
import type { OperationRequest } from '../store/store.js';

export interface Reply {
  status: number;
  /** Sent as JSON, unless `text` is given. */
  json?: unknown;
  text?: string;
  contentType?: string;
  /** JSON without indentation, for answers made to be large: indentation adds some 40% to the Release list. */
  compact?: boolean;
  /** Writes the answer itself (an event stream, a file with its own headers); status and json are then unused. */
  respond?: (res: ServerResponse) => void;
}

export interface RouteRequest {
  /** Path segments captured by the route's pattern, URL-decoded. */
  params: string[];
  /** The query string's parameters. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: () => Promise<Buffer>;
}

export type Method = 'GET' | 'POST';

export interface Route {
  method: Method;
  pattern: RegExp;
  handle: (req: RouteRequest) => Promise<Reply>;
}

const OPERATION_KINDS = { promote: 'promote', abort: 'abort', retry: 'retry', restart: 'restart' } as const;

/** How many audit entries status keeps (DEFAULTS.auditLimit), told with the history. */
const AUDIT_LIMIT = DEFAULTS.auditLimit;

export function buildRoutes(options: HttpServerOptions, hub: EventHub = new EventHub(options, { heartbeatMs: EVENT_STREAM_LIMITS.heartbeatMs })): Route[] {
  const authenticator = new Authenticator({ ...(options.apiToken ? { apiToken: options.apiToken } : {}), ...(options.auth ? { auth: options.auth } : {}), clock: options.clock });
  const access = new Access({
    authenticator,
    // With named identities configured, reads need a viewer unless keelson.yaml opens them.
    readsRequireAuth: options.readsRequireToken ?? authenticator.named,
    store: options.store,
    controller: options.controller,
    metrics: options.metrics,
    logger: options.logger,
    clock: options.clock,
  });
  const guardRead = (headers: IncomingHttpHeaders, path: string, release?: string) => access.require(headers, 'viewer', path, release);

  /** The Release's status, a placeholder if the controller holds it unreconciled, else 404. */
  const statusOf = async (name: string) => {
    const status = await options.store.getStatus(name);
    if (status) return status;
    if (options.controller?.names().includes(name)) return notYetReconciled();
    throw new HttpApiError('ReleaseNotFound', `no Release named "${name}"`);
  };

  return [
    { method: 'GET', pattern: /^\/healthz$/, handle: async () => ({ status: 200, json: { status: 'ok' } }) },
    {
      method: 'GET',
      pattern: /^\/readyz$/,
      handle: async () => {
        const readiness = options.ready();
        return { status: readiness.ready ? 200 : 503, json: readiness };
      },
    },
    {
      method: 'GET',
      pattern: /^\/metrics$/,
      handle: async () => {
        if (options.controller) options.metrics.recordSources(options.controller.sources(), options.clock.now());
        return { status: 200, text: await options.metrics.render(), contentType: options.metrics.contentType };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/releases$/,
      handle: async (req) => {
        const reader = await guardRead(req.headers, '/api/v1/releases');
        const visible = reader ? (names: Iterable<string>) => access.visible(reader, names) : undefined;
        const query = listQueryOf(req.query);
        if (query.view === 'table') return { status: 200, text: await listReleaseTable(options, query, visible), contentType: 'application/json; charset=utf-8' };
        return { status: 200, json: await listReleases(options, query, visible), compact: true };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/releases\/([^/]+)$/,
      handle: async (req) => {
        const name = req.params[0] ?? '';
        await guardRead(req.headers, '/api/v1/releases/{name}', name);
        const status = await statusOf(name);
        const pendingOperations = await options.store.listOperations(name, status.lastOperationSeq ?? 0);
        const detail: ReleaseDetail = { name, status, pendingOperations };
        if (detailView(req.query) === 'full') detail.release = manifestOrNull((await releasesByName(options.store, options.controller, [name]))(name));
        return { status: 200, json: detail };
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/releases\/([^/]+)\/(promote|abort|retry|restart)$/,
      handle: async (req) => {
        const name = req.params[0] ?? '';
        const verb = OPERATION_KINDS[req.params[1] as keyof typeof OPERATION_KINDS];
        const actor = (await access.require(req.headers, 'operator', `/api/v1/releases/{name}/${verb}`, name))!;
        const body = parseOperationBody(await req.body());
        if (body.revision !== undefined) throw new HttpApiError('InvalidBody', `"revision" applies only to approve, not ${verb}`);
        if (body.full !== undefined && verb !== 'promote') throw new HttpApiError('InvalidBody', `"full" applies only to promote, not ${verb}`);
        if (body.overrideWindow !== undefined && verb !== 'promote') throw new HttpApiError('InvalidBody', `"overrideWindow" applies only to promote, not ${verb}`);
        if (body.rerunJobs !== undefined && verb !== 'retry') throw new HttpApiError('InvalidBody', `"rerunJobs" applies only to retry, not ${verb}`);
        await statusOf(name);
        const kind = verb === 'promote' && body.full ? 'promoteFull' : verb;
        const extra = { ...(body.overrideWindow ? { overrideWindow: true } : {}), ...(body.rerunJobs ? { rerunJobs: true } : {}) };
        const operation: OperationRequest = await requestOperation(options, name, kind, actor.name, { ...extra, via: actor.via });
        return { status: 202, json: { operation } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/releases\/([^/]+)\/approve$/,
      handle: async (req) => {
        const name = req.params[0] ?? '';
        const actor = (await access.require(req.headers, 'approver', '/api/v1/releases/{name}/approve', name))!;
        const body = parseOperationBody(await req.body());
        if (body.full !== undefined) throw new HttpApiError('InvalidBody', '"full" applies only to promote, not approve');
        const refusal = refuseApproval(await statusOf(name), actor.name, options.approvers, actor.groups);
        if (refusal) throw new HttpApiError('ApprovalRefused', refusal);
        const groups = approverGroupsOf(actor.groups, options.approvers);
        const operation: OperationRequest = await requestOperation(options, name, 'approve', actor.name, { ...(body.revision !== undefined ? { revision: body.revision } : {}), via: actor.via, groups });
        return { status: 202, json: { operation } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/releases\/([^/]+)\/history$/,
      handle: async (req) => {
        const name = req.params[0] ?? '';
        await guardRead(req.headers, '/api/v1/releases/{name}/history', name);
        const status = await statusOf(name);
        return { status: 200, json: { name, limit: AUDIT_LIMIT, entries: status.audit?.entries ?? [] } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/releases\/([^/]+)\/trail$/,
      handle: async (req) => {
        const name = req.params[0] ?? '';
        await guardRead(req.headers, '/api/v1/releases/{name}/trail', name);
        await statusOf(name);
        return { status: 200, json: await trailOf(options, hub.trail, name), compact: true };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/events$/,
      handle: async (req) => {
        const reader = await guardRead(req.headers, '/api/v1/events');
        // A reader with scoped roles gets events only of the Releases its scope covers.
        const visible = reader ? (names: Iterable<string>) => access.visible(reader, names) : undefined;
        const lastEventId = req.headers['last-event-id'];
        return { status: 200, respond: (res) => hub.open(res, req.query, typeof lastEventId === 'string' ? lastEventId : undefined, visible) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/shards$/,
      handle: async (req) => {
        await guardRead(req.headers, '/api/v1/shards');
        // Without sharding one lease covers every Release: one shard, as /readyz tells.
        return { status: 200, json: options.shards ? await options.shards() : { shards: 1 } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/whoami$/,
      handle: async (req) => {
        const release = req.query.get('release') ?? undefined;
        const identity = await access.whoami(req.headers, '/api/v1/whoami');
        const open = access.readsOpen ? (['viewer'] as const) : [];
        if (!identity) return { status: 200, json: { actor: null, via: null, roles: [...open] } };
        const facts = release !== undefined ? (await releaseFacts(options, [release]))(release) : undefined;
        const roles = rolesOf(identity, facts);
        return { status: 200, json: { actor: identity.name, via: identity.via, roles: roles.length === 0 && open.length > 0 ? [...open] : roles } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/webhooks\/git$/,
      handle: async (req) => {
        if (!options.webhook) throw new HttpApiError('WebhookNotConfigured', 'no Git source with a webhook is configured on this controller');
        const answer = await options.webhook({ headers: req.headers, body: await req.body() });
        if (answer.status >= 400) return { status: answer.status, json: errorBody('WebhookRejected', answer.message) };
        return { status: answer.status, json: { message: answer.message } };
      },
    },
    ...new DashboardAssets().routes(),
  ];
}
