// Request bodies are small (an operation, a Git webhook); anything above the cap is refused
// before it is buffered.
import type { IncomingMessage } from 'node:http';
import { HttpApiError } from './errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): HttpApiError {
  return new HttpApiError('PayloadTooLarge', `request body is larger than ${limit} bytes`, { connection: 'close' });
}

/**
 * Reads the whole body, or rejects with PayloadTooLarge as soon as it passes `limit` bytes. The
 * rest of an oversized body is read and dropped, so the client still receives the 413.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(tooLarge(limit));
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

const MAX_REVISION_LENGTH = 256;

export interface OperationBody {
  full?: boolean;
  /** promote: move on even while the deployment window is closed. */
  overrideWindow?: boolean;
  /** retry: run the revision's preDeploy jobs again. */
  rerunJobs?: boolean;
  /** approve: the revision approved. */
  revision?: string;
}

/**
 * The optional JSON body of promote, abort, retry, restart and approve: `{ "full": true }`. Who
 * asks is the authenticated identity, never a field of the body: `by` is refused, so a client
 * that still sends it learns that its value would not be recorded.
 */
export function parseOperationBody(body: Buffer): OperationBody {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpApiError('InvalidBody', `body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpApiError('InvalidBody', 'body must be a JSON object');
  const { full, by, overrideWindow, rerunJobs, revision, ...rest } = value as Record<string, unknown>;
  if (by !== undefined) {
    throw new HttpApiError('InvalidBody', '"by" is not accepted: an operation is recorded with the identity its bearer token proves (GET /api/v1/whoami shows it)', {}, { field: 'by' });
  }
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new HttpApiError('InvalidBody', `unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}; expected "full", "overrideWindow", "rerunJobs" and "revision"`);
  }
  if (overrideWindow !== undefined && typeof overrideWindow !== 'boolean') throw new HttpApiError('InvalidBody', '"overrideWindow" must be true or false');
  if (rerunJobs !== undefined && typeof rerunJobs !== 'boolean') throw new HttpApiError('InvalidBody', '"rerunJobs" must be true or false');
  if (revision !== undefined && (typeof revision !== 'string' || revision.trim() === '' || revision.length > MAX_REVISION_LENGTH)) {
    throw new HttpApiError('InvalidBody', `"revision" must be a non-empty string of at most ${MAX_REVISION_LENGTH} characters`);
  }
  if (full !== undefined && typeof full !== 'boolean') throw new HttpApiError('InvalidBody', '"full" must be true or false');
  return {
    ...(full !== undefined ? { full } : {}),
    ...(overrideWindow ? { overrideWindow } : {}),
    ...(rerunJobs !== undefined ? { rerunJobs } : {}),
    ...(typeof revision === 'string' ? { revision: revision.trim() } : {}),
  };
}
