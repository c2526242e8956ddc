// HttpProbePort on the global fetch: one GET, a deadline, and a bounded body.
import { RealClock } from '../runtime/clock.js';
import type { Clock } from '../runtime/clock.js';
import { CloudError } from './errors.js';
import type { HttpProbePort, HttpProbeResult } from './ports.js';

/** Health bodies are short; a probe never holds more than this of one. */
export const PROBE_BODY_LIMIT = 64 * 1024;
const USER_AGENT = 'keelson-probe';

/** The timeout runs on the given Clock, so a server that never answers times out in virtual time too. */
export function createHttpProbe(options: { clock?: Pick<Clock, 'now'> & Partial<Pick<Clock, 'setTimer'>> } = {}): HttpProbePort {
  const clock = options.clock ?? new RealClock();
  const timers: Pick<Clock, 'setTimer'> = clock.setTimer ? (clock as Pick<Clock, 'setTimer'>) : new RealClock();
  return {
    async get(url: string, { timeoutMs }: { timeoutMs: number }): Promise<HttpProbeResult> {
      const started = clock.now();
      const controller = new AbortController();
      // The deadline bounds the whole exchange, the body included.
      const cancel = timers.setTimer(timeoutMs, () => controller.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { 'user-agent': USER_AGENT } });
        const body = await readCapped(response, PROBE_BODY_LIMIT);
        return { status: response.status, body, durationMs: clock.now() - started };
      } catch (err) {
        throw probeError(controller.signal.aborted ? controller.signal.reason : err, url, timeoutMs);
      } finally {
        cancel();
      }
    },
  };
}

async function readCapped(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    const part = value.subarray(0, limit - size);
    parts.push(part);
    size += part.byteLength;
  }
  // Drops whatever is left past the limit.
  await reader.cancel().catch(() => undefined);
  return new TextDecoder().decode(Buffer.concat(parts));
}

function probeError(err: unknown, url: string, timeoutMs: number): CloudError {
  const details = { service: 'http', operation: 'GET', cause: err };
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CloudError('Timeout', `GET ${url}: no answer within ${timeoutMs} ms`, details);
  }
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code === 'ERR_INVALID_URL' || (err instanceof TypeError && /invalid url|parse url/i.test(err.message))) {
    return new CloudError('Invalid', `GET ${url}: not a valid URL`, details);
  }
  const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new CloudError('Unavailable', `GET ${url}: ${why}`, details);
}
