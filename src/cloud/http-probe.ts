// HttpProbePort over Node's fetch. The timeout runs on the injected Clock, so a probe of a
// server that never answers times out in virtual time too.
import type { Clock } from '../runtime/clock.js';
import { CloudError } from './errors.js';
import type { HttpProbePort, HttpProbeResult } from './ports.js';

/** Health bodies are small; a larger one is cut here rather than held in memory. */
const MAX_BODY_CHARS = 64 * 1024;

export class FetchHttpProbe implements HttpProbePort {
  constructor(private readonly clock: Clock) {}

  async get(url: string, options: { timeoutMs: number }): Promise<HttpProbeResult> {
    const started = this.clock.now();
    const controller = new AbortController();
    const timeout = new CloudError('Timeout', `GET ${url}: no answer within ${options.timeoutMs}ms`, {
      service: 'http',
      operation: 'GET',
    });
    const cancel = this.clock.setTimer(options.timeoutMs, () => controller.abort(timeout));
    try {
      const response = await fetch(url, {
        signal: controller.signal,
        headers: { 'user-agent': 'keelson-health-probe', accept: 'application/json, */*' },
      });
      const body = await response.text();
      return { status: response.status, body: body.slice(0, MAX_BODY_CHARS), durationMs: this.clock.now() - started };
    } catch (err) {
      if (controller.signal.aborted) throw timeout;
      throw new CloudError('Unavailable', `GET ${url}: ${describeFetchError(err)}`, {
        service: 'http',
        operation: 'GET',
        cause: err,
      });
    } finally {
      cancel();
    }
  }
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is in its cause. */
function describeFetchError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
