// What the HTTP API shows of a Release: a one-line summary for the list, the full status for one.
import type { ReleaseManifest } from '../api/manifest.js';
import type { Phase, Release, ReleaseStatus } from '../api/types.js';
import { stepsOf } from '../../controllers/release/steps.js';
import type { OperationRequest } from '../store/store.js';

export interface ReleaseSummary {
  name: string;
  phase: Phase;
  message: string | null;
  /** Index of the current step of the rollout, null when none is under way. */
  step: number | null;
  /** How many steps a rollout of the spec walks (canary, blueGreen); null for rolling or when the spec is not known. */
  steps?: number | null;
  weights: { blue: number; green: number } | null;
  stableRevision: string | null;
  desiredRevision: string | null;
  blockedRevision: string | null;
  observedGeneration: number | null;
  /** The most recent lastTransitionTime of the Release's conditions (ISO 8601). */
  lastTransitionTime: string | null;
  /** Seconds since lastTransitionTime: how long the Release has been as it is. */
  ageSeconds: number | null;
  /** The earliest lastTransitionTime of the Release's conditions: the AGE `keelson get` shows. */
  firstTransitionTime: string | null;
  /** metadata.labels of the Release's spec; null when its spec is not known (an invalid manifest). */
  labels: Record<string, string> | null;
}

/** A Release in the list with `view=full`: its labels and whole status. */
export interface ReleaseFull {
  name: string;
  labels: Record<string, string> | null;
  status: ReleaseStatus;
  /** apiVersion, kind, metadata and spec as the controller holds them; null when no spec is known. */
  release?: ReleaseManifest | null;
}

/** One page of GET /api/v1/releases. */
export interface ReleaseListBody<T = ReleaseSummary> {
  releases: T[];
  /** Present when more Releases may follow: pass it back as `continue` for the next page. */
  continue?: string;
  /** Left out of this page because a labelSelector was given and their labels are not known. */
  labelsUnknown?: string[];
}

export interface ReleaseDetail {
  name: string;
  status: ReleaseStatus;
  /** Operations asked for and not yet applied by the reconciler, oldest first. */
  pendingOperations: OperationRequest[];
  /** With `?view=full`: apiVersion, kind, metadata and spec as held; null when no spec is known. */
  release?: ReleaseManifest | null;
}

/** Status of a Release the controller holds but has not reconciled yet. */
export function notYetReconciled(): ReleaseStatus {
  return { phase: 'Pending', message: 'not reconciled yet' };
}

export interface Transitions {
  /** The most recent lastTransitionTime of the conditions, and it in milliseconds. */
  last: string | null;
  lastAt: number;
  /** The earliest one. */
  first: string | null;
}

/**
 * Transitions of frozen statuses (the memory store's shared objects), by identity: a frozen status
 * cannot change, and the list of thousands then parses no dates it parsed before.
 */
const transitionsOfFrozen = new WeakMap<ReleaseStatus, Transitions>();

export function transitionsOf(status: ReleaseStatus): Transitions {
  const known = transitionsOfFrozen.get(status);
  if (known) return known;
  const found: Transitions = { last: null, lastAt: -Infinity, first: null };
  let firstAt = Infinity;
  for (const c of status.conditions ?? []) {
    const at = Date.parse(c.lastTransitionTime);
    if (found.last === null || at > found.lastAt) [found.last, found.lastAt] = [c.lastTransitionTime, at];
    if (at < firstAt) [found.first, firstAt] = [c.lastTransitionTime, at];
  }
  if (Object.isFrozen(status)) transitionsOfFrozen.set(status, found);
  return found;
}

/** How many steps a rollout of the spec walks; null for a rolling update, which has none. */
export function stepCount(release: Pick<Release, 'spec'> | null | undefined): number | null {
  // A stored spec is read as it was kept: one without a strategy counts no steps.
  const strategy = release?.spec?.strategy;
  if (!strategy || strategy.rolling) return null;
  return stepsOf(release.spec).length;
}

export function summarize(name: string, status: ReleaseStatus, now: number, labels?: Readonly<Record<string, string>>, release?: Pick<Release, 'spec'> | null): ReleaseSummary {
  const { last: transition, lastAt, first } = transitionsOf(status);
  return {
    name,
    phase: status.phase,
    message: status.message ?? null,
    step: status.currentStepIndex ?? null,
    steps: stepCount(release),
    weights: status.weights ?? null,
    stableRevision: status.stableRevision ?? null,
    desiredRevision: status.desiredRevision ?? null,
    blockedRevision: status.blockedRevision ?? null,
    observedGeneration: status.observedGeneration ?? null,
    lastTransitionTime: transition,
    ageSeconds: transition === null ? null : Math.max(0, Math.floor((now - lastAt) / 1000)),
    firstTransitionTime: first,
    labels: labels ? { ...labels } : null,
  };
}
