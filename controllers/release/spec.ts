// Reading a Release spec with its defaults applied: the one place controllers resolve them.
import { DEFAULTS } from '../../src/api/defaults.js';
import { parseDuration } from '../../src/api/duration.js';
import { describeApprovalGate } from './approval-gate.js';
import { failForMs as conditionFailFor, healthIntervalMs as healthInterval } from '../../src/health/index.js';
import type {
  BlueGreenStrategy,
  CanaryStrategy,
  Colour,
  HealthCondition,
  ReleaseSpec,
  Step,
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

/**
 * The steps a two-colour rollout walks. blueGreen is a canary whose steps are
 * "analyse before traffic, wait for a human if asked, then everything at once".
 */
export function stepsOf(spec: ReleaseSpec): Step[] {
  if (spec.strategy.canary) {
    const steps = [...spec.strategy.canary.steps];
    const lastWeight = [...steps].reverse().find((s): s is { setWeight: number } => 'setWeight' in s);
    if (lastWeight?.setWeight !== 100) steps.push({ setWeight: 100 });
    return steps;
  }
  const bg = spec.strategy.blueGreen;
  if (!bg) return [];
  const steps: Step[] = [];
  const pre = bg.prePromotionAnalysis;
  if (pre) steps.push({ analysis: { duration: pre.duration, ...(pre.conditions ? { conditions: pre.conditions } : {}) } });
  if (bg.autoPromote === false) steps.push({ pause: {} });
  if (bg.approval) steps.push({ approval: bg.approval });
  steps.push({ setWeight: 100 });
  return steps;
}

export function describeStep(step: Step | undefined): string {
  if (!step) return 'done';
  if ('setWeight' in step) return `setWeight ${step.setWeight}%`;
  if ('pause' in step) return step.pause.duration ? `pause ${step.pause.duration}` : 'pause until promoted';
  if ('job' in step) return `job ${step.job.name}`;
  if ('http' in step) return `http ${step.http.name}`;
  if ('approval' in step) return describeApprovalGate(step.approval);
  return `analysis ${step.analysis.duration}`;
}

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
