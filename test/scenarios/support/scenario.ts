// A scenario: the demo world (optionally changed), one Release, the real controller, virtual time,
// invariants checked at every step, and a timeline of what a user would see.
import { fileURLToPath } from 'node:url';
import type { Release, ReleaseStatus } from '../../../src/api/types.js';
import type { ForwardRef } from '../../../src/cloud/ports.js';
import { createStage, type Stage } from '../../../src/rehearse/stage.js';
import { loadWorld } from '../../../src/sim/world-loader.js';
import type { SimWorld } from '../../../src/sim/world.js';
import { checkWeightsSum, guardWeights, type Violation, type WeightWrite } from './invariants.js';

const DEMO_WORLD = fileURLToPath(new URL('../../../manifests/sim/world.yaml', import.meta.url));

export interface Sample {
  at: number;
  phase: ReleaseStatus['phase'] | undefined;
  weights: { blue: number; green: number } | undefined;
  step: number | null | undefined;
}

export interface Scenario extends Stage {
  violations: Violation[];
  /** Every weight write that changed something, with its virtual time. */
  weightWrites: WeightWrite[];
  samples: Sample[];
  startedAt: number;
  /** Runs for `ms` of virtual time, sampling status and checking invariants every step. */
  run(ms: number, stepMs?: number): Promise<void>;
  /** Runs until `until(status)` holds or `limitMs` passes; returns the virtual time taken. */
  runUntil(until: (status: ReleaseStatus | undefined) => boolean, limitMs: number, stepMs?: number): Promise<number>;
  apply(release: Release): void;
  current(): Promise<ReleaseStatus>;
  minutesSinceStart(at: number): number;
}

/** Advances a stage in 5 s steps until `until` holds; fails after limitMs of virtual time. */
export async function advanceUntil(stage: Stage, until: () => Promise<boolean>, limitMs: number): Promise<void> {
  const end = stage.clock.now() + limitMs;
  while (stage.clock.now() < end) {
    await stage.advance(5_000, { stepMs: 5_000 });
    if (await until()) return;
  }
  throw new Error('not reached in time');
}

export async function demoWorld(change: (world: SimWorld) => void = () => {}): Promise<SimWorld> {
  const world = await loadWorld(DEMO_WORLD);
  world.faults = []; // scenarios add their own
  world.timeline = [];
  change(world);
  return world;
}

export async function scenario(options: {
  world: SimWorld;
  release: Release;
  listener?: ForwardRef;
  http?: boolean;
}): Promise<Scenario> {
  const violations: Violation[] = [];
  const samples: Sample[] = [];
  const weightWrites: WeightWrite[] = [];
  const s = await createStage({
    world: options.world,
    http: options.http ?? false,
    wrapCloud: (cloud, sim) => guardWeights(sim, violations, weightWrites)(cloud),
  });
  const name = options.release.metadata.name;
  const startedAt = s.clock.now();
  s.source.apply(options.release);

  const sample = async (at: number): Promise<void> => {
    const status = await s.status(name);
    samples.push({ at, phase: status?.phase, weights: status?.weights ?? undefined, step: status?.currentStepIndex });
    if (options.listener) checkWeightsSum(s.sim, options.listener, violations);
  };

  return {
    ...s,
    violations,
    weightWrites,
    samples,
    startedAt,
    async run(ms, stepMs = 5_000) {
      await s.advance(ms, { stepMs, onStep: sample });
    },
    async runUntil(until, limitMs, stepMs = 5_000) {
      const start = s.clock.now();
      while (s.clock.now() - start < limitMs) {
        await s.advance(stepMs, { stepMs, onStep: sample });
        if (until(await s.status(name))) return s.clock.now() - start;
      }
      throw new Error(`condition not reached within ${limitMs / 60_000}m; status: ${JSON.stringify(await s.status(name), null, 1).slice(0, 2000)}`);
    },
    apply(release) {
      s.source.apply(release);
    },
    async current() {
      const status = await s.status(name);
      if (!status) throw new Error(`no status for ${name}`);
      return status;
    },
    minutesSinceStart(at) {
      return (at - startedAt) / 60_000;
    },
  };
}
