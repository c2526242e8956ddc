// How a notification leaves the process. The notifier takes any PostFunction, so tests and other
// transports can stand in; httpPost is the real one.

export interface PostResult {
  status: number;
  /** The Retry-After header, as sent (seconds or an HTTP date). */
  retryAfter?: string | null;
  /** The start of the response body, for the log when a receiver refuses a message. */
  body?: string;
}

/** Posts a JSON body. Resolves with any HTTP status; rejects only when no answer came. */
export type PostFunction = (url: string, body: string, headers?: Record<string, string>) => Promise<PostResult>;

export interface HttpPostOptions {
  /** Give up on one request after this long. Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const BODY_EXCERPT = 300;

/**
 * POST with fetch. The timeout is wall-clock on purpose: it bounds real network I/O, which
 * virtual time cannot speed up; everything the notifier decides (backoff) runs on its Clock.
 */
export function httpPost(options: HttpPostOptions = {}): PostFunction {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (url, body, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'keelson', ...headers },
      body,
      // A webhook URL that redirects elsewhere is a misconfiguration, not something to follow.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text().catch(() => '');
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text.slice(0, BODY_EXCERPT) };
  };
}
