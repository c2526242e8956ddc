// The controller's HTTP server on node:http: health and readiness probes, Prometheus metrics,
// and the Release API (read status; promote, abort, retry). Errors are JSON with a stable code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Release } from '../api/types.js';
import type { Clock } from '../runtime/clock.js';
import type { SourceHealth } from '../runtime/controller.js';
import type { StatusStore } from '../store/store.js';
import { readBody } from './body.js';
import { encodeBody } from './compress.js';
import { errorBody, HttpApiError } from './errors.js';
import type { AuthOptions } from './authenticate.js';
import type { ControllerMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { buildRoutes, type Method, type Reply, type Route } from './routes.js';
import { EventHub } from './events.js';
import type { StatusFeed } from './status-feed.js';

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type WebhookHandler = (req: WebhookRequest) => Promise<{ status: number; message: string }>;

/** What the server needs of the Controller. */
export interface ControllerHandle {
  enqueue(name: string): void;
  names(): string[];
  sources(): SourceHealth[];
  /** metadata.labels of a held Release; without it, labels come from the store's last known specs. */
  labels?(name: string): Readonly<Record<string, string>> | undefined;
  /** The Release (metadata and spec) the controller holds; without it, the store's last known spec. */
  release?(name: string): Release | undefined;
  /** The description of the source a held Release comes from; without it, the store's last known spec says. */
  sourceOf?(name: string): string | undefined;
}

export interface HttpServerOptions {
  /** 0 picks any free port. */
  port: number;
  /** Default 127.0.0.1: reachable from other machines only when configured so. */
  host?: string;
  /** Open connections beyond this are closed at once, so silent clients cannot exhaust file descriptors. */
  maxConnections?: number;
  /** Socket limits; the defaults suit a controller behind a load balancer. */
  timeouts?: Partial<HttpTimeouts>;
  store: StatusStore;
  /** Undefined when no controller runs in this process (the API then reads the store only). */
  controller: ControllerHandle | undefined;
  metrics: ControllerMetrics;
  clock: Clock;
  ready: () => Readiness;
  /** Bearer token for POSTs (and reads when readsRequireToken); without one, POSTs are refused. */
  apiToken?: string;
  readsRequireToken?: boolean;
  /** Named API tokens and OIDC identities with roles and scopes (http.auth); apiToken stays an identity with every role. */
  auth?: AuthOptions;
  webhook?: WebhookHandler;
  logger: Logger;
  /** Who holds which shard (`GET /api/v1/shards`); absent without sharding. */
  shards?: () => Promise<unknown>;
  /** Groups of people who may approve (keelson.yaml approvers): someone outside a waiting gate's group is refused at once. */
  approvers?: Readonly<Record<string, readonly string[]>>;
  /** Status writes of this process (the store the controller writes through): live events without polling the store. */
  statusFeed?: StatusFeed;
}

export interface RunningHttpServer {
  port: number;
  /** The address it listens on. */
  host: string;
  close(): Promise<void>;
}

export interface HttpTimeouts {
  /** The whole request line and headers must arrive within this. */
  headersMs: number;
  /** The whole request, body included. */
  requestMs: number;
  /** A kept-alive connection waiting for its next request. */
  keepAliveMs: number;
  /** Any socket with no traffic at all (a client that connects and says nothing). */
  idleSocketMs: number;
}

// A slow or silent client must not hold a connection open for long; these are socket limits,
// not logic time. Behind a load balancer keep-alive must be longer than the balancer's idle
// timeout (else it may reuse a connection keelson just closed): set http.keepAlive there.
export const HTTP_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  maxConnections: 512,
  /** Request line and headers together; more is answered 431 by Node before any route runs. A JWT fits with room. */
  maxHeaderBytes: 16 * 1024,
  timeouts: { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, idleSocketMs: 30_000 } satisfies HttpTimeouts,
} as const;

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const timeouts: HttpTimeouts = { ...HTTP_SERVER_DEFAULTS.timeouts, ...options.timeouts };
  // Heartbeats well inside the idle socket timeout, so that a quiet event stream stays open.
  const hub = new EventHub(options, { heartbeatMs: Math.max(10, Math.min(15_000, Math.floor(timeouts.idleSocketMs / 3))) });
  const routes = buildRoutes(options, hub);
  const host = options.host ?? HTTP_SERVER_DEFAULTS.host;
  const server = createServer(
    // Node checks the headers and request deadlines on this interval; at most half the shortest one.
    {
      maxHeaderSize: HTTP_SERVER_DEFAULTS.maxHeaderBytes,
      connectionsCheckingInterval: Math.max(1, Math.min(1_000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 2))),
    },
    (req, res) => void serve(routes, options.logger, req, res),
  );
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  // With no 'timeout' listener Node destroys the idle socket.
  server.setTimeout(timeouts.idleSocketMs);
  server.maxConnections = options.maxConnections ?? HTTP_SERVER_DEFAULTS.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port, host, maxConnections: server.maxConnections }, 'HTTP server listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        hub.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** Finds the route for a path and method: 404 when no path matches, 405 when only the method is wrong. */
function match(routes: Route[], method: string, path: string): { route: Route; params: string[] } {
  const wanted: Method | undefined = method === 'GET' || method === 'HEAD' ? 'GET' : method === 'POST' ? 'POST' : undefined;
  const allowed: Method[] = [];
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method === wanted) return { route, params: found.slice(1).map(decodeSegment) };
    allowed.push(route.method);
  }
  if (allowed.length === 0) throw new HttpApiError('NotFound', `no route for ${path}`);
  const allow = allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).join(', ');
  throw new HttpApiError('MethodNotAllowed', `${method} is not allowed on ${path}; use ${allow}`, { allow });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpApiError('NotFound', `malformed path segment "${segment}"`);
  }
}

async function serve(routes: Route[], logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  let path = req.url ?? '/';
  try {
    const url = new URL(path, 'http://keelson');
    path = url.pathname;
    const { route, params } = match(routes, method, path);
    send(res, await route.handle({ params, query: url.searchParams, headers: req.headers, body: () => readBody(req) }), {}, req.headers['accept-encoding']);
  } catch (err) {
    if (err instanceof HttpApiError) {
      send(res, { status: err.status, json: errorBody(err.code, err.message, err.detail) }, err.headers);
      return;
    }
    if (req.socket.destroyed) {
      logger.debug({ err, method, path }, 'client went away before the answer');
      return;
    }
    logger.error({ err, method, path }, 'HTTP request failed');
    send(res, { status: 500, json: errorBody('Internal', 'the request failed inside the controller; its log says why') });
  }
}

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}, acceptEncoding?: string): void {
  if (res.headersSent) return;
  if (reply.respond) {
    reply.respond(res);
    return;
  }
  const text = reply.text ?? `${reply.compact ? JSON.stringify(reply.json) : JSON.stringify(reply.json, null, 2)}\n`;
  const { body, encoding } = encodeBody(text, acceptEncoding);
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? (reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
    'content-length': body.length,
    'cache-control': 'no-store',
    ...(encoding ? { 'content-encoding': encoding, vary: 'Accept-Encoding' } : {}),
    ...headers,
  });
  res.end(body);
}
