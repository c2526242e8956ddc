// The HTTP API's error codes are part of the API: defined once here, each documented in
// docs/http-api.md (a test holds the two together). Clients match on `code`, never on `message`.

export const HTTP_ERRORS = {
  NotFound: 404,
  MethodNotAllowed: 405,
  ReleaseNotFound: 404,
  Unauthorized: 401,
  Forbidden: 403,
  ApiTokenNotConfigured: 403,
  /** A JWT refused (expired, another issuer or audience, bad signature, algorithm not allowed): `reason` says which. */
  InvalidToken: 401,
  /** The identity holds no role that allows this request, on any Release. */
  MissingRole: 403,
  /** The identity holds the role, but not for this Release (its source or labels are outside the grant's scope). */
  NotInScope: 403,
  /** The OIDC issuer's keys cannot be read, so no JWT can be checked now. */
  AuthUnavailable: 503,
  InvalidBody: 400,
  PayloadTooLarge: 413,
  WebhookNotConfigured: 404,
  /** The status is the one the source's webhook handler chose (400, 401, ...); 400 by default. */
  WebhookRejected: 400,
  /** An approval by someone outside the group the Release's approval gate names. */
  ApprovalRefused: 403,
  /** A query parameter that cannot be used: the body names it (and, in a label selector, the offset). */
  InvalidParameter: 400,
  /** GET /api/v1/events: as many event streams are open as the server keeps (Retry-After tells when to try again). */
  TooManyStreams: 503,
  Internal: 500,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** An error answered as `{ "error": { "code", "message" } }` with the code's HTTP status. */
export class HttpApiError extends Error {
  override readonly name = 'HttpApiError';
  readonly status: number;

  constructor(
    readonly code: HttpErrorCode,
    message: string,
    /** Extra response headers, such as Allow or WWW-Authenticate. */
    readonly headers: Record<string, string> = {},
    /** Extra fields of the error body, such as the parameter at fault. */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = HTTP_ERRORS[code];
  }
}

export function errorBody(code: HttpErrorCode, message: string, detail: Record<string, unknown> = {}): { error: { code: HttpErrorCode; message: string } } {
  return { error: { ...detail, code, message } };
}
