// Reading a Release spec with its defaults applied: the one place controllers resolve them.
import { DEFAULTS } from '../../src/api/defaults.js';
import { parseDuration } from '../../src/api/duration.js';
import { failForMs as conditionFailFor, healthIntervalMs as healthInterval } from '../../src/health/index.js';
import type {
  BlueGreenStrategy,
  CanaryStrategy,
  Colour,
  HealthCondition,
  ReleaseSpec,
  StrategyKind,
  TrafficSpec,
} from '../../src/api/types.js';

export const COLOURS: readonly Colour[] = ['blue', 'green'];
export const otherColour = (c: Colour): Colour => (c === 'blue' ? 'green' : 'blue');

/** The colour carrying the traffic: the stable one when a Release is first seen (blue on a tie). */
export function colourCarryingTraffic(weights: { blue: number; green: number } | undefined): Colour {
  return weights && weights.green > weights.blue ? 'green' : 'blue';
}

export function strategyKind(spec: ReleaseSpec): StrategyKind {
  if (spec.strategy.rolling) return 'rolling';
  if (spec.strategy.canary) return 'canary';
  return 'blueGreen';
}

export function twoColour(spec: ReleaseSpec): CanaryStrategy | BlueGreenStrategy | undefined {
  return spec.strategy.canary ?? spec.strategy.blueGreen;
}

export function trafficOf(spec: ReleaseSpec): TrafficSpec | undefined {
  return twoColour(spec)?.traffic;
}

/** Service names the Release manages, in a fixed order. */
export function servicesOf(spec: ReleaseSpec): string[] {
  const tc = twoColour(spec);
  if (tc) return [tc.services.blue, tc.services.green];
  return spec.strategy.rolling ? [spec.strategy.rolling.service] : [];
}

// In a module of their own, light enough for the CLI and the API to number steps without the rest.
export { describeStep, stepsOf } from './steps.js';

export const healthIntervalMs = (spec: ReleaseSpec): number => healthInterval(spec.health);

export const failForMs = (spec: ReleaseSpec, condition: HealthCondition): number =>
  conditionFailFor(condition, healthIntervalMs(spec));

/** The span of data one check of a condition reads: a metric's window, else an instant. */
export const conditionWindowMs = (condition: HealthCondition): number =>
  condition.metric ? parseDuration(condition.metric.window ?? DEFAULTS.metricWindow) : 0;

export const progressDeadlineMs = (spec: ReleaseSpec): number =>
  parseDuration(spec.progressDeadline ?? DEFAULTS.progressDeadline);

export const bakeTimeMs = (spec: ReleaseSpec): number => parseDuration(spec.rollback?.bakeTime ?? DEFAULTS.bakeTime);

export const autoRollback = (spec: ReleaseSpec): boolean => spec.rollback?.auto ?? DEFAULTS.autoRollback;

export const scaleDownDelayMs = (spec: ReleaseSpec): number =>
  parseDuration(twoColour(spec)?.scaleDownDelay ?? DEFAULTS.scaleDownDelay);
