// The part of a Release whose change is a new generation: metadata.labels, metadata.annotations
// and spec. Hashed in a canonical form so key order and formatting never count as a change.
import { createHash } from 'node:crypto';
import type { Release } from '../api/types.js';

export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `sha256:<first 12 hex>`, the short content revision used for files. */
export function shortContentRevision(text: string | Uint8Array): string {
  return `sha256:${sha256Hex(text).slice(0, 12)}`;
}

export function specHash(release: Pick<Release, 'metadata' | 'spec'>): string {
  const metadata = (release.metadata ?? {}) as Partial<Release['metadata']>;
  return sha256Hex(
    canonicalJson({ labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {}, spec: release.spec ?? null }),
  );
}
