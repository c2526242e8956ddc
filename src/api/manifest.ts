// A Release as a person writes it: what `get -o yaml`, `diff` and the API's full view show.
import type { Release } from './types.js';

export type ReleaseManifest = Pick<Release, 'apiVersion' | 'kind' | 'metadata' | 'spec'>;

/** The object without its status, in the order a manifest is written. */
export function manifestOf(release: Release): ReleaseManifest {
  return { apiVersion: release.apiVersion, kind: release.kind, metadata: release.metadata, spec: release.spec };
}

export function manifestOrNull(release: Release | undefined): ReleaseManifest | null {
  return release ? manifestOf(release) : null;
}
