// A slice of `npm run chaos` inside `npm test`: fixed seeds, each a whole trial with every check,
// and the promise that a seed replays the same trial. Speed is measured by `npm run chaos`.
import { describe, expect, it } from 'vitest';
import type { ManifestProblem } from '../../src/api/problem.js';
import { checkWorld } from '../../src/sim/world-check.js';
import { planTrial } from './plan.js';
import { runTrial } from './trial.js';
import { buildWorld } from './world.js';

const SEEDS = [1, 2, 3, 5, 8, 10, 13, 21, 34, 39, 55, 59];
const TRIAL_TIMEOUT = 120_000;

describe('chaos trials', () => {
  it('build worlds whose every reference resolves', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const problems = checkWorld(buildWorld(planTrial(seed)).world, (path, message) => ({ field: path.join('.'), message }) as unknown as ManifestProblem, '.');
      expect(problems, `seed ${seed}`).toEqual([]);
    }
  });

  it.each(SEEDS)('seed %i holds every invariant', async (seed) => {
    const result = await runTrial(seed);
    expect(result.checks).toBeGreaterThan(0);
    const failures = result.violations.map((v) => `seed ${seed} ${v.invariant} [${v.release ?? ''}] at ${v.atS}s: ${v.detail} (replay: npm run chaos -- --seed ${seed} --verbose)`);
    expect(failures).toEqual([]);
  }, TRIAL_TIMEOUT);

  it('replays a seed exactly: same checks, same end state', async () => {
    const a = await runTrial(205);
    const b = await runTrial(205);
    expect(b.digest).toBe(a.digest);
    expect(b.checks).toBe(a.checks);
  }, TRIAL_TIMEOUT);
});
