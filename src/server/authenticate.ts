// Who sent a request: a named API token, the single apiToken, or an OIDC JWT. Every token is
// compared through its SHA-256 digest with timingSafeEqual, and every configured token is compared
// (no early exit), so timing tells neither a token's content nor which one matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../runtime/clock.js';
import { ALL_ROLES, API_TOKEN_NAME, parseScope, type Grant, type Identity, type Role, type ScopeConfig } from './access.js';
import { HttpApiError } from './errors.js';
import { JwtRefused, looksLikeJwt, OidcUnavailable, oidcVerifier, type OidcOptions } from './oidc.js';

export interface NamedTokenOptions {
  name: string;
  /** The secret itself, already resolved. */
  token: string;
  roles: Role[];
  scope?: ScopeConfig;
}

export interface AuthOptions {
  tokens?: NamedTokenOptions[];
  oidc?: OidcOptions;
}

interface KnownToken {
  name: string;
  digest: Buffer;
  grants: Grant[];
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="keelson"' };

export class Authenticator {
  private readonly tokens: KnownToken[];
  private readonly verifyJwt: ((token: string) => Promise<{ name: string; groups: string[]; grants: Grant[] }>) | undefined;

  constructor(options: { apiToken?: string; auth?: AuthOptions; clock: Clock }) {
    this.tokens = (options.auth?.tokens ?? []).map((t) => {
      const scope = parseScope(t.scope);
      return { name: t.name, digest: digest(t.token), grants: [{ roles: t.roles, ...(scope ? { scope } : {}) }] };
    });
    if (options.apiToken) this.tokens.push({ name: API_TOKEN_NAME, digest: digest(options.apiToken), grants: [...ALL_ROLES] });
    this.verifyJwt = options.auth?.oidc ? oidcVerifier(options.auth.oidc, options.clock) : undefined;
  }

  /** Whether any identity can be proved at all; without one, HTTP is read-only. */
  get configured(): boolean {
    return this.tokens.length > 0 || this.verifyJwt !== undefined;
  }

  /** Whether identities other than the single apiToken are configured. */
  get named(): boolean {
    return this.verifyJwt !== undefined || this.tokens.some((t) => t.name !== API_TOKEN_NAME);
  }

  /**
   * The identity a request proves; undefined when it offers no bearer token. A token that proves
   * nothing throws: 403 Forbidden (an unknown token), 401 InvalidToken (a JWT refused, with the
   * reason), 503 AuthUnavailable (the issuer's keys cannot be read).
   */
  async identify(headers: IncomingHttpHeaders): Promise<Identity | undefined> {
    if (headers.authorization === undefined) return undefined;
    const offered = bearerToken(headers);
    if (offered === undefined) throw new HttpApiError('Unauthorized', 'the Authorization header must be "Bearer <token>"', CHALLENGE);
    const offeredDigest = digest(offered);
    let matched: KnownToken | undefined;
    for (const known of this.tokens) {
      // Every token is compared, matched or not.
      const same = timingSafeEqual(offeredDigest, known.digest);
      if (same && !matched) matched = known;
    }
    if (matched) return { name: matched.name, via: 'token', groups: [], grants: matched.grants };
    if (this.verifyJwt && looksLikeJwt(offered)) {
      try {
        const jwt = await this.verifyJwt(offered);
        return { name: jwt.name, via: 'oidc', groups: jwt.groups, grants: jwt.grants };
      } catch (err) {
        if (err instanceof JwtRefused) throw new HttpApiError('InvalidToken', err.message, CHALLENGE, { reason: err.reason });
        if (err instanceof OidcUnavailable) throw new HttpApiError('AuthUnavailable', err.message);
        throw err;
      }
    }
    throw new HttpApiError('Forbidden', 'the bearer token is not one this controller knows');
  }
}
