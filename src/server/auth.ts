// Bearer-token checks for the HTTP API. Tokens are compared through their SHA-256 digests with
// timingSafeEqual, so neither the content nor the length of the token leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpApiError } from './errors.js';

const CONFIGURE_HINT =
  'no API token is configured; start keelson with KEELSON_API_TOKEN set to allow promote, abort and retry over HTTP';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** Throws the HttpApiError that refuses the request, unless it carries the configured token. */
export function requireToken(headers: IncomingHttpHeaders, apiToken: string | undefined): void {
  if (!apiToken) throw new HttpApiError('ApiTokenNotConfigured', CONFIGURE_HINT);
  const offered = bearerToken(headers);
  if (offered === undefined) {
    throw new HttpApiError('Unauthorized', 'this request needs an "Authorization: Bearer <token>" header', {
      'www-authenticate': 'Bearer realm="keelson"',
    });
  }
  if (!timingSafeEqual(digest(offered), digest(apiToken))) {
    throw new HttpApiError('Forbidden', 'the bearer token is not the one this controller was started with');
  }
}
