// The HTTP API's access check: who asks (Authenticator), whether one of their roles allows the
// request, and on which Releases. Every refusal is logged (code, never a token) and counted.
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../runtime/clock.js';
import type { StatusStore } from '../store/store.js';
import { inScope, isScoped, rolesOf, type Identity, type ReleaseFacts, type Role } from './access.js';
import type { Authenticator } from './authenticate.js';
import { HttpApiError, type HttpErrorCode } from './errors.js';
import type { ControllerHandle } from './http.js';
import { labelsByName } from './release-specs.js';

const CONFIGURE_HINT =
  'no API token or identity is configured; start keelson with KEELSON_API_TOKEN set, or configure http.auth in keelson.yaml, to allow operations over HTTP';

/** What a refusal is counted and logged as. */
export interface AuthFailureSink {
  recordAuthFailure(code: string): void;
}

export interface AccessOptions {
  authenticator: Authenticator;
  /** Reads need an identity (a viewer): false keeps reads open to anyone, credentials unchecked. */
  readsRequireAuth: boolean;
  store: Pick<StatusStore, 'listLastKnownSpecs'>;
  controller: ControllerHandle | undefined;
  metrics: AuthFailureSink;
  logger: Logger;
  clock: Clock;
}

/** Facts of many Releases at once: the controller's, else one read of the store's last known specs. */
export async function releaseFacts(options: Pick<AccessOptions, 'store' | 'controller'>, names: Iterable<string>): Promise<(name: string) => ReleaseFacts> {
  const list = [...names];
  const labelsOf = await labelsByName(options.store, options.controller, list);
  const held = (name: string): string | undefined => options.controller?.sourceOf?.(name);
  let known: Map<string, string> | undefined;
  if (list.some((n) => held(n) === undefined)) {
    known = new Map();
    for (const spec of await options.store.listLastKnownSpecs()) known.set(spec.release.metadata.name, spec.source);
  }
  return (name) => ({ labels: labelsOf(name), source: held(name) ?? known?.get(name) });
}

export class Access {
  private readonly failures: FailureLog;

  constructor(private readonly options: AccessOptions) {
    this.failures = new FailureLog(options.logger, options.clock);
  }

  /** Who asks, for GET /api/v1/whoami: undefined when no credential is offered or none is configured. */
  async whoami(headers: IncomingHttpHeaders, path: string): Promise<Identity | undefined> {
    if (!this.options.authenticator.configured) return undefined;
    return this.guarded(path, () => this.options.authenticator.identify(headers));
  }

  get readsOpen(): boolean {
    return !this.options.readsRequireAuth;
  }

  /**
   * Checks that the request may do what `role` allows, on `release` when given. Returns the
   * identity, or undefined for an open read (no identity needed, none checked).
   */
  async require(headers: IncomingHttpHeaders, role: Role, path: string, release?: string): Promise<Identity | undefined> {
    if (role === 'viewer' && this.readsOpen) return undefined;
    return this.guarded(path, async () => {
      if (!this.options.authenticator.configured) throw new HttpApiError('ApiTokenNotConfigured', CONFIGURE_HINT);
      const identity = await this.options.authenticator.identify(headers);
      if (!identity) throw new HttpApiError('Unauthorized', 'this request needs an "Authorization: Bearer <token>" header', { 'www-authenticate': 'Bearer realm="keelson"' });
      const anywhere = rolesOf(identity);
      if (!anywhere.includes(role)) {
        throw new HttpApiError('MissingRole', `${identity.name} (${identity.via}) has ${anywhere.length > 0 ? `the roles ${anywhere.join(', ')}` : 'no role'}; this request needs ${role}`, {}, { role });
      }
      // Only a scoped grant depends on the Release: unscoped identities need no read of its facts.
      if (release !== undefined && isScoped(identity)) {
        const facts = (await releaseFacts(this.options, [release]))(release);
        if (!rolesOf(identity, facts).includes(role)) {
          throw new HttpApiError('NotInScope', `${identity.name} (${identity.via}) is ${role} only for other Releases: ${release} is outside its scope`, {}, { role, release });
        }
      }
      return identity;
    });
  }

  /** Which Releases a reader may see: every one, or those some grant's scope covers. */
  async visible(identity: Identity | undefined, names: Iterable<string>): Promise<(name: string) => boolean> {
    if (!identity || !isScoped(identity)) return () => true;
    const facts = await releaseFacts(this.options, names);
    return (name) => identity.grants.some((g) => inScope(g.scope, facts(name)));
  }

  private async guarded<T>(path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof HttpApiError && (err.status === 401 || err.status === 403 || err.code === 'AuthUnavailable')) {
        this.options.metrics.recordAuthFailure(err.code);
        this.failures.record(err.code, path, err.detail.reason);
      }
      throw err;
    }
  }
}

/**
 * One log line per code at most every LOG_EVERY_MS: a client retrying a bad token does not flood
 * the log. The line says how many refusals of that code were not logged since the last one.
 */
const LOG_EVERY_MS = 60_000;

class FailureLog {
  private readonly last = new Map<string, { at: number; unlogged: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  record(code: HttpErrorCode, path: string, reason: unknown): void {
    const now = this.clock.now();
    const last = this.last.get(code);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.unlogged++;
      return;
    }
    const unlogged = last?.unlogged ?? 0;
    this.last.set(code, { at: now, unlogged: 0 });
    this.logger.warn({ code, path, ...(typeof reason === 'string' ? { reason } : {}), ...(unlogged > 0 ? { unlogged } : {}) }, `HTTP request refused: ${code}`);
  }
}
