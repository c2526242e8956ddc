// The controller's HTTP server on node:http: health and readiness probes, Prometheus metrics,
// and the Release API (read status; promote, abort, retry). Errors are JSON with a stable code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../runtime/clock.js';
import type { SourceHealth } from '../runtime/controller.js';
import type { StatusStore } from '../store/store.js';
import { readBody } from './body.js';
import { errorBody, HttpApiError } from './errors.js';
import type { ControllerMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { buildRoutes, type Method, type Reply, type Route } from './routes.js';

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
}

export interface HttpServerOptions {
  /** 0 picks any free port. */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  store: StatusStore;
  /** Undefined when no controller runs in this process (the API then reads the store only). */
  controller: ControllerHandle | undefined;
  metrics: ControllerMetrics;
  clock: Clock;
  ready: () => Readiness;
  /** Bearer token for POSTs (and reads when readsRequireToken); without one, POSTs are refused. */
  apiToken?: string;
  readsRequireToken?: boolean;
  webhook?: WebhookHandler;
  logger: Logger;
}

export interface RunningHttpServer {
  port: number;
  close(): Promise<void>;
}

// A slow client must not hold a connection open for long; these are socket limits, not logic time.
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const routes = buildRoutes(options);
  const server = createServer((req, res) => void serve(routes, options.logger, req, res));
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port, host: options.host ?? '0.0.0.0' }, 'HTTP server listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
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
    path = new URL(path, 'http://keelson').pathname;
    const { route, params } = match(routes, method, path);
    send(res, await route.handle({ params, headers: req.headers, body: () => readBody(req) }));
  } catch (err) {
    if (err instanceof HttpApiError) {
      send(res, { status: err.status, json: errorBody(err.code, err.message) }, err.headers);
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

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const body = reply.text ?? `${JSON.stringify(reply.json, null, 2)}\n`;
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? (reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}
