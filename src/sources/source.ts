import type { ManifestProblem } from '../api/problem.js';
import type { Release } from '../api/types.js';

/** One Release as a source holds it. */
export interface SourcedRelease {
  name: string;
  /** Present when the manifest is valid. */
  release?: Release;
  /** Present (non-empty) when the manifest is invalid: the Release is marked Invalid, others are untouched. */
  problems?: ManifestProblem[];
  /** Changes exactly when the spec changes. */
  generation: number;
  /** Where this spec came from: `main@sha1:<hash>`, a DynamoDB item version, a file hash. */
  sourceRevision: string;
  location: { file: string; line: number };
}

/** What a source holds at one moment. An unreachable source throws; it never returns an empty list. */
export interface SourceSnapshot {
  /** Revision of the whole source (commit, scan time, folder hash). */
  revision: string;
  releases: SourcedRelease[];
  /** Problems not tied to one Release (e.g. a file that parses to no Release at all). */
  problems: ManifestProblem[];
  /** Extra facts for status: commit author and message, for example. */
  details?: Record<string, string>;
}

export interface Source {
  readonly kind: 'git' | 'dynamodb' | 'dir';
  /** Human description without secrets, e.g. `git:https://github.com/acme/deploy#main:releases`. */
  readonly description: string;
  /** Reads the current state; throws SourceUnavailableError when it cannot. */
  snapshot(): Promise<SourceSnapshot>;
  /** Calls onChange when the source may have changed (file watch, webhook, poll); returns unsubscribe. */
  watch(onChange: () => void): () => void;
  close(): Promise<void>;
}

export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError';
  readonly code = 'SourceUnavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
