// OIDC bearer tokens: a JWT signed by the issuer's keys (JWKS), for this audience, in date. The
// keys come from jwksUri, or else from the issuer's discovery document (OpenID Connect Discovery
// 1.0 §4: `<issuer>/.well-known/openid-configuration`, its `jwks_uri`), read at the first token
// and again after a failure. Time is the server's clock, so tests verify in virtual time.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWSAlgorithm } from 'jose';
import type { Clock } from '../runtime/clock.js';
import type { Grant } from './access.js';

/** Asymmetric algorithms only: a shared-secret HS256 key or `alg: none` is never accepted. */
export const DEFAULT_ALGORITHMS: JWSAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
export const DEFAULT_CLOCK_TOLERANCE_S = 30;

export interface OidcBinding {
  /** Matches a JWT whose groups claim holds this group. */
  group?: string;
  /** Matches a JWT whose name claim is this. */
  subject?: string;
  grant: Grant;
}

export interface OidcOptions {
  issuer: string;
  audience: string;
  jwksUri?: string;
  nameClaim: string;
  groupsClaim: string;
  algorithms: JWSAlgorithm[];
  clockToleranceS: number;
  bindings: OidcBinding[];
}

/** Why a JWT was refused: the `reason` of a 401 InvalidToken. */
export type JwtRefusal = 'expired' | 'notYetValid' | 'issuer' | 'audience' | 'signature' | 'algorithm' | 'unknownKey' | 'malformed' | 'claims';

export class JwtRefused extends Error {
  override readonly name = 'JwtRefused';
  constructor(
    readonly reason: JwtRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The issuer's keys could not be read (discovery or JWKS): not the caller's fault. */
export class OidcUnavailable extends Error {
  override readonly name = 'OidcUnavailable';
}

export interface VerifiedJwt {
  name: string;
  groups: string[];
  grants: Grant[];
}

/** Looks like a compact JWS: three base64url parts. A named API token never does (they are checked first anyway). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export function oidcVerifier(options: OidcOptions, clock: Clock): (token: string) => Promise<VerifiedJwt> {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    keys ??= jwksUriOf(options).then((uri) => createRemoteJWKSet(new URL(uri)));
    // A failed discovery is tried again at the next token.
    keys.catch(() => (keys = undefined));
    return keys;
  };
  return async (token) => {
    let jwks: ReturnType<typeof createRemoteJWKSet>;
    try {
      jwks = await keySet();
    } catch (err) {
      throw new OidcUnavailable(`cannot read the keys of ${options.issuer}: ${(err as Error).message}`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.algorithms,
        clockTolerance: options.clockToleranceS,
        currentDate: new Date(clock.now()),
      }));
    } catch (err) {
      throw refusalOf(err);
    }
    const name = payload[options.nameClaim];
    if (typeof name !== 'string' || name === '') throw new JwtRefused('claims', `the token has no "${options.nameClaim}" claim (http.auth.oidc.nameClaim) to name who it is`);
    const rawGroups = payload[options.groupsClaim];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : typeof rawGroups === 'string' ? [rawGroups] : [];
    const grants = options.bindings.filter((b) => (b.group !== undefined && groups.includes(b.group)) || (b.subject !== undefined && b.subject === name)).map((b) => b.grant);
    return { name, groups, grants };
  };
}

async function jwksUriOf(options: OidcOptions): Promise<string> {
  if (options.jwksUri) return options.jwksUri;
  const url = `${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  // Discovery §4.3: the document's issuer must be the one asked for.
  if (document.issuer !== options.issuer) throw new Error(`${url} names issuer ${String(document.issuer)}, not ${options.issuer}`);
  if (typeof document.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
  return document.jwks_uri;
}

function refusalOf(err: unknown): Error {
  if (err instanceof joseErrors.JWTExpired) return new JwtRefused('expired', 'the token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new JwtRefused('issuer', 'the token was issued by another issuer');
    if (err.claim === 'aud') return new JwtRefused('audience', 'the token is for another audience');
    if (err.claim === 'nbf') return new JwtRefused('notYetValid', 'the token is not valid yet');
    return new JwtRefused('claims', `the token's "${err.claim}" claim is not valid`);
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new JwtRefused('algorithm', 'the token is signed with an algorithm that is not allowed');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new JwtRefused('signature', 'the token signature does not verify');
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) return new JwtRefused('unknownKey', "the token is not signed by one of the issuer's keys");
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err instanceof TypeError) {
    return new OidcUnavailable(`cannot read the issuer's keys: ${(err as Error).message}`);
  }
  if (err instanceof joseErrors.JOSEError) return new JwtRefused('malformed', 'the token is not a valid JWT');
  return err instanceof Error ? err : new Error(String(err));
}
