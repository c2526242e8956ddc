// The http condition: GET a health URL, expect a status and optionally a field of its JSON
// body. A URL that does not answer (timeout, refused) is failing, not "no data": that is
// exactly what a broken revision looks like from outside. What the body said reaches status only
// as a short excerpt with secret-looking fields left out.
import { DEFAULTS } from '../api/defaults.js';
import { formatDuration, parseDuration } from '../api/duration.js';
import type { HttpCheck } from '../api/types.js';
import { isCloudError } from '../cloud/errors.js';
import type { HttpProbePort } from '../cloud/ports.js';
import { errorText, failed, noData, passed, type Measurement, type MeasurementBase } from './measurement.js';

export function httpThreshold(check: HttpCheck): string {
  const status = `status ${check.expectStatus ?? DEFAULTS.httpExpectStatus}`;
  return check.jsonField ? `${status}, ${check.jsonField.path} = ${JSON.stringify(check.jsonField.equals)}` : status;
}

export async function measureHttp(name: string, check: HttpCheck, probe: HttpProbePort, now: number): Promise<Measurement> {
  const base: MeasurementBase = { name, threshold: httpThreshold(check), at: now };
  const timeoutMs = parseDuration(check.timeout ?? DEFAULTS.httpTimeout);
  let answer;
  try {
    answer = await probe.get(check.url, { timeoutMs });
  } catch (err) {
    if (isCloudError(err, 'Timeout')) return failed(base, null, `no answer from ${check.url} within ${formatDuration(timeoutMs)}`);
    if (isCloudError(err, 'Unavailable')) return failed(base, null, `unreachable: ${errorText(err)}`);
    return noData(base, `could not probe ${check.url}: ${errorText(err)}`);
  }
  const expectStatus = check.expectStatus ?? DEFAULTS.httpExpectStatus;
  if (answer.status !== expectStatus) {
    return failed(base, answer.status, `status ${answer.status} (expected ${expectStatus})`);
  }
  if (!check.jsonField) return passed(base, answer.status, `status ${answer.status}`);
  const { path, equals } = check.jsonField;
  const field = readJsonField(answer.body, path);
  if (!field.found) return failed(base, answer.status, `status ${answer.status} but ${field.why} (expected ${path} = ${JSON.stringify(equals)})`);
  if (field.value !== equals) {
    return failed(base, answer.status, `status ${answer.status} but ${path} = ${excerpt(path, field.value)} (expected ${JSON.stringify(equals)})`);
  }
  return passed(base, answer.status, `status ${answer.status}, ${path} = ${JSON.stringify(equals)}`);
}

/** Status is served by the API: a value read from a probed body is shown bounded, and never when its name looks secret. */
export const EXCERPT_LIMIT = 64;
const SECRET_NAME = /secret|token|passw|credential|private|api.?key|access.?key|session|auth|signature|cookie/i;

export function excerpt(path: string, value: unknown): string {
  if (path.split('.').some((part) => SECRET_NAME.test(part))) return '(redacted)';
  const text = JSON.stringify(value, (key, inner: unknown) => (key !== '' && SECRET_NAME.test(key) ? '(redacted)' : inner)) ?? String(value);
  return text.length > EXCERPT_LIMIT ? `${text.slice(0, EXCERPT_LIMIT)}… (${text.length} characters)` : text;
}

type FieldLookup = { found: true; value: unknown } | { found: false; why: string };

/** `checks.db.ok` → body.checks.db.ok; numeric parts index arrays. */
export function readJsonField(body: string, path: string): FieldLookup {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { found: false, why: 'the body is not JSON' };
  }
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) {
      return { found: false, why: `the body has no ${path}` };
    }
    value = (value as Record<string, unknown>)[part];
  }
  return { found: true, value };
}
