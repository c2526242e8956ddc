// GET /api/v1/releases/NAME/trail: the samples the dashboard charts, and the Release's steps
// (from the spec the controller holds, else the last known spec in the store) to draw its progress.
import type { Release, Step, StrategyKind } from '../api/types.js';
import type { HttpServerOptions } from './http.js';
import { TRAIL_LIMITS, type ReleaseTrail, type TrailSample } from './release-trail.js';

export interface TrailBody {
  name: string;
  /** The trail lives in this process's memory: it starts again empty after a restart. */
  limits: typeof TRAIL_LIMITS;
  strategy: StrategyKind | null;
  /** The rollout's steps (canary); null when the spec is not known or has none. */
  steps: Step[] | null;
  samples: TrailSample[];
}

export async function trailOf(options: Pick<HttpServerOptions, 'store' | 'controller'>, trail: ReleaseTrail, name: string): Promise<TrailBody> {
  const release = options.controller?.release?.(name) ?? (await options.store.listLastKnownSpecs()).find((s) => s.release.metadata.name === name)?.release;
  return { name, limits: TRAIL_LIMITS, ...strategyOf(release), samples: trail.samples(name) };
}

function strategyOf(release: Release | undefined): { strategy: StrategyKind | null; steps: Step[] | null } {
  const strategy = release?.spec.strategy;
  if (!strategy) return { strategy: null, steps: null };
  if (strategy.canary) return { strategy: 'canary', steps: strategy.canary.steps };
  if (strategy.blueGreen) return { strategy: 'blueGreen', steps: null };
  return { strategy: 'rolling', steps: null };
}
