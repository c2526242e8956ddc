// The DynamoDB source table, one item per Release:
//   name (S, partition key)   metadata.name
//   spec (M)                  the spec, with optional labels (M) and annotations (M) beside it
//   manifest (S)              or: the whole Release as YAML (for people who prefer to paste YAML)
//   generation (N)            grows by one whenever the spec changes (applyRelease does this)
//   updatedAt (S), updatedBy (S)
//   changeFeed (S), changedAt (N)  the change feed: the key of the sparse index `changes`
//                                  (dynamodb-changes.ts); `keelson apply` sets both
import { stringify } from 'yaml';
import { parseReleases } from '../api/load.js';
import { API_VERSION, RELEASE_KIND, type Release, type ReleaseSpec } from '../api/types.js';
import { candidatesFromText, type ReleaseCandidate } from './snapshot.js';

export interface ReleaseItem {
  name: string;
  spec?: Record<string, unknown>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  manifest?: string;
  generation?: number;
  updatedAt?: string;
  updatedBy?: string;
  changeFeed?: string;
  /** Epoch milliseconds of the last write through `keelson apply`. */
  changedAt?: number;
}

export function itemLocation(table: string, name: string): string {
  return `dynamodb:${table}/${name}`;
}

export function itemRevision(table: string, name: string, generation: number | string): string {
  return `${itemLocation(table, name)}@${generation}`;
}

/** The item as a candidate Release: its spec or its problems, located at `dynamodb:table/name`. */
export function itemToCandidate(table: string, item: ReleaseItem): ReleaseCandidate {
  const file = itemLocation(table, item.name);
  const generation = Number.isInteger(item.generation) ? item.generation : undefined;
  const sourceRevision = itemRevision(table, item.name, generation ?? 'unversioned');
  const base = { name: item.name, file, sourceRevision, ...(generation !== undefined ? { generation } : {}) };
  if (typeof item.manifest === 'string') {
    const docs = candidatesFromText({ file, text: item.manifest, sourceRevision });
    const doc = docs[0];
    const problems = docs.flatMap((d) => d.problems);
    if (docs.length !== 1) problems.push(problem(file, '', `manifest must hold exactly one Release (found ${docs.length})`));
    else if (doc?.name !== undefined && doc.name !== item.name) {
      problems.push(problem(file, 'metadata.name', `"${doc.name}" does not match the item's name "${item.name}"`));
    }
    return { ...base, line: doc?.line ?? 0, ...(doc?.release ? { release: doc.release } : {}), problems };
  }
  if (item.spec === undefined || item.spec === null || typeof item.spec !== 'object') {
    return { ...base, line: 0, problems: [problem(file, 'spec', 'the item has neither a spec map nor a manifest string')] };
  }
  // Validate through the same parser as files; lines of that generated YAML mean nothing here.
  const release = itemToRelease(item);
  const parsed = parseReleases(stringify(release), file).releases[0];
  const problems = (parsed?.problems ?? []).map((p) => ({ ...p, line: 0, column: 0 }));
  return { ...base, line: 0, release: parsed?.release ?? release, problems };
}

export function itemToRelease(item: ReleaseItem): Release {
  return {
    apiVersion: API_VERSION,
    kind: RELEASE_KIND,
    metadata: {
      name: item.name,
      ...(item.labels ? { labels: item.labels } : {}),
      ...(item.annotations ? { annotations: item.annotations } : {}),
    },
    spec: item.spec as unknown as ReleaseSpec,
  };
}

function problem(file: string, path: string, message: string): ReleaseCandidate['problems'][number] {
  return { file, line: 0, column: 0, path, message, code: 'semantic' };
}
