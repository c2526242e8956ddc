// GET /api/v1/releases/NAME/trail: the samples the dashboard charts, and the Release's steps
// (from the spec the controller holds, else the last known spec in the store) to draw its progress.
import type { Release, Step, StrategyKind } from '../api/types.js';
import { strategyKind } from '../../controllers/release/spec.js';
import { stepsOf } from '../../controllers/release/steps.js';
import type { HttpServerOptions } from './http.js';
import { releasesByName } from './release-specs.js';
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
  const release = (await releasesByName(options.store, options.controller, [name]))(name);
  return { name, limits: TRAIL_LIMITS, ...strategyOf(release), samples: trail.samples(name) };
}

/** The steps a rollout walks, as the reconciler and the list's step count see them (stepsOf). */
function strategyOf(release: Release | undefined): { strategy: StrategyKind | null; steps: Step[] | null } {
  // A stored spec is read as it was kept: one may have no strategy.
  if (!release?.spec?.strategy) return { strategy: null, steps: null };
  const strategy = strategyKind(release.spec);
  return { strategy, steps: strategy === 'rolling' ? null : stepsOf(release.spec) };
}
