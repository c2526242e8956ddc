// `-o yaml|json` in kubectl's shape: each Release as a whole object (apiVersion, kind, metadata,
// spec, status), a list as `kind: List` with `items`.
import { API_VERSION, RELEASE_KIND } from '../api/types.js';
import type { NamedStatus } from './format.js';

export interface ReleaseObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Left out when no spec is known (not in the sources, none kept in the state store). */
  spec?: unknown;
  status: NamedStatus['status'];
}

export function releaseObject({ name, status, release }: NamedStatus): ReleaseObject {
  return {
    apiVersion: release?.apiVersion ?? API_VERSION,
    kind: release?.kind ?? RELEASE_KIND,
    metadata: release?.metadata ?? { name },
    ...(release ? { spec: release.spec } : {}),
    status,
  };
}

/** As `kubectl get -o yaml` prints a list. */
export function listObject(items: ReleaseObject[]): { apiVersion: 'v1'; kind: 'List'; metadata: Record<string, never>; items: ReleaseObject[] } {
  return { apiVersion: 'v1', kind: 'List', metadata: {}, items };
}

/** Says which Releases are printed without a spec, rather than leaving it out silently. */
export function noteSpecsUnknown(views: readonly NamedStatus[]): string {
  const names = views.filter((v) => v.release === null || v.release === undefined).map((v) => v.name);
  if (names.length === 0) return '';
  return `keelson: printed without spec (not in the sources, none kept in the state store): ${names.join(', ')}`;
}
