// The keelson Releases the blast-radius bench deploys: the bench-tuned canary (at several first
// weights), keelson rolling, the shipped example as it is, and two peers' documented defaults
// written as keelson configurations (Flagger's canary analysis, Argo Rollouts' background analysis).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { HealthCondition, Release, Step } from '../../src/api/types.js';
import { AEP, AEP_STEPS, aepCanary } from '../../test/scenarios/support/releases.js';

export const EXAMPLE_FILE = fileURLToPath(new URL('../../manifests/examples/aep-backend-canary.yaml', import.meta.url));

/** The health conditions of the bench-tuned runs; rolling has no baseline colour to compare with. */
function tunedConditions(rolling: boolean): HealthCondition[] {
  const latency: HealthCondition = rolling
    ? { name: 'latency', metric: { builtin: 'latencyP95', max: '175ms' }, failFor: '1m' }
    : { name: 'latency-vs-baseline', metric: { builtin: 'latencyP95', maxIncreasePercent: 25 }, failFor: '1m' };
  return [
    { name: 'targets', targetHealth: { maxUnhealthy: 0 }, failFor: '3m' },
    { name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' },
    latency,
  ];
}

/** The bench-tuned canary (10% → pause 2m → 50% → analysis 3m → 100%), its first weight replaceable. */
export function tunedCanary(revision: string, firstWeight = 10): Release {
  return aepCanary(revision, (r) => {
    r.spec.health = { interval: '15s', conditions: tunedConditions(false) };
    const steps = structuredClone(AEP_STEPS);
    steps[0] = { setWeight: firstWeight };
    if (r.spec.strategy.canary) r.spec.strategy.canary.steps = steps;
  });
}

export function tunedRolling(revision: string): Release {
  return aepCanary(revision, (r) => {
    r.spec.health = { interval: '15s', conditions: tunedConditions(true) };
    r.spec.strategy = { rolling: { service: AEP.blue } };
  });
}

/** manifests/examples/aep-backend-canary.yaml as shipped, on another revision. */
export function shippedExample(revision: string): Release {
  const release = parse(readFileSync(EXAMPLE_FILE, 'utf8')) as Release;
  release.spec.revision = { taskDefinition: revision };
  return release;
}

/** Steps of `stepWeight` up to `maxWeight`, each held one `interval`, then 100%. */
function flaggerSteps(stepWeight: number, maxWeight: number, interval: string): Step[] {
  const steps: Step[] = [];
  for (let w = stepWeight; w <= maxWeight; w += stepWeight) steps.push({ setWeight: w }, { pause: { duration: interval } });
  steps.push({ setWeight: 100 });
  return steps;
}

/**
 * Flagger's canary analysis as its Istio tutorial configures it
 * (https://docs.flagger.app/tutorials/istio-progressive-delivery): interval 1m, threshold 5,
 * stepWeight 10, maxWeight 50; the builtin checks (https://docs.flagger.app/usage/metrics)
 * request-success-rate ≥ 99% and request-duration p99 ≤ 500 ms, each over 1m. Flagger rolls back
 * at the 5th failed check, one interval apart: failing for 4 intervals after the first.
 */
export const FLAGGER = { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50, minSuccessRate: 99, maxP99: '500ms' } as const;

export function flaggerCanary(revision: string): Release {
  const failFor = `${FLAGGER.threshold - 1}m`;
  return aepCanary(revision, (r) => {
    if (r.spec.strategy.canary) r.spec.strategy.canary.steps = flaggerSteps(FLAGGER.stepWeight, FLAGGER.maxWeight, FLAGGER.interval);
    r.spec.health = {
      interval: FLAGGER.interval,
      conditions: [
        { name: 'request-success-rate', metric: { builtin: 'errorRate', max: 100 - FLAGGER.minSuccessRate, window: '1m' }, failFor },
        { name: 'request-duration', metric: { builtin: 'latencyP99', max: FLAGGER.maxP99, window: '1m' }, failFor },
      ],
    };
    // Flagger promotes once maxWeight passes: no bake after it.
    r.spec.rollback = { auto: true, bakeTime: '0s' };
  });
}

/**
 * Argo Rollouts' background analysis example (https://argoproj.github.io/argo-rollouts/features/analysis/):
 * setWeight 20 → pause 10m → 40 → pause 10m → 60 → pause 10m → 80 → pause 10m, with the
 * success-rate template measured every 5m, successCondition ≥ 0.95, failureLimit 3 (the run
 * fails at the 4th failed measurement: 3 intervals after the first). The example starts the
 * analysis at step 2; here it runs from the first step, which can only help Argo's figures.
 */
export const ARGO = { weights: [20, 40, 60, 80], pause: '10m', interval: '5m', minSuccess: 0.95, failureLimit: 3 } as const;

export function argoCanary(revision: string): Release {
  const steps: Step[] = ARGO.weights.flatMap((w): Step[] => [{ setWeight: w }, { pause: { duration: ARGO.pause } }]);
  steps.push({ setWeight: 100 });
  return aepCanary(revision, (r) => {
    if (r.spec.strategy.canary) r.spec.strategy.canary.steps = steps;
    r.spec.health = {
      interval: ARGO.interval,
      conditions: [
        {
          name: 'success-rate',
          metric: { builtin: 'errorRate', max: Math.round((1 - ARGO.minSuccess) * 100), window: ARGO.interval },
          failFor: `${ARGO.failureLimit * 5}m`,
        },
      ],
    };
    r.spec.rollback = { auto: true, bakeTime: '0s' };
  });
}
