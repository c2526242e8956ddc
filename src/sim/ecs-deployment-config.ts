// A service's deployment settings beyond the rolling limits: deployment alarms and the
// strategy (ROLLING, or BLUE_GREEN / CANARY / LINEAR, which shift a listener rule's weights).
// Defaults and valid ranges as the ECS API Reference documents them (DeploymentConfiguration,
// CanaryConfiguration, LinearConfiguration); the plan of production traffic shifts follows the
// canary and linear deployment pages of the ECS Developer Guide.

import { CloudError } from '../cloud/errors.js';
import type { DeploymentSettings, DeploymentStrategy, TargetGroupWeight } from '../cloud/ports.js';

export const DEPLOYMENT_DEFAULTS = {
  strategy: 'ROLLING',
  canaryPercent: 5,
  canaryBakeTimeInMinutes: 10,
  stepPercent: 10,
  stepBakeTimeInMinutes: 6,
  /**
   * bakeTimeInMinutes is required for BLUE_GREEN; AWS documents no default for CANARY and
   * LINEAR, where the simulator takes 0 (blue goes as soon as production traffic has shifted).
   */
  bakeTimeInMinutes: 0,
} as const;

const MAX_BAKE_MINUTES = 1440;
const MINUTE_MS = 60_000;

export function isTrafficShifting(strategy: DeploymentStrategy | undefined): boolean {
  return strategy === 'BLUE_GREEN' || strategy === 'CANARY' || strategy === 'LINEAR';
}

export function strategyOf(settings: DeploymentSettings): DeploymentStrategy {
  return settings.strategy ?? DEPLOYMENT_DEFAULTS.strategy;
}

/** One production traffic shift: green's share, then how long ECS waits before the next one. */
export interface TrafficStep {
  percent: number;
  waitMs: number;
}

/**
 * The production traffic shifts of a deployment: BLUE_GREEN all at once; CANARY canaryPercent,
 * the canary bake, then the rest; LINEAR equal steps with the step bake between them (none after
 * 100%; a step that does not divide 100 ends with a smaller last one).
 */
export function trafficPlan(settings: DeploymentSettings): TrafficStep[] {
  switch (strategyOf(settings)) {
    case 'CANARY': {
      const c = settings.canaryConfiguration ?? {};
      const percent = c.canaryPercent ?? DEPLOYMENT_DEFAULTS.canaryPercent;
      const bake = (c.canaryBakeTimeInMinutes ?? DEPLOYMENT_DEFAULTS.canaryBakeTimeInMinutes) * MINUTE_MS;
      return percent >= 100 ? [{ percent: 100, waitMs: 0 }] : [{ percent, waitMs: bake }, { percent: 100, waitMs: 0 }];
    }
    case 'LINEAR': {
      const l = settings.linearConfiguration ?? {};
      const step = l.stepPercent ?? DEPLOYMENT_DEFAULTS.stepPercent;
      const bake = (l.stepBakeTimeInMinutes ?? DEPLOYMENT_DEFAULTS.stepBakeTimeInMinutes) * MINUTE_MS;
      const steps: TrafficStep[] = [];
      // In tenths of a percent, so that 3 x 0.1 is exactly 0.3.
      for (let tenths = Math.round(step * 10); tenths < 1000; tenths += Math.round(step * 10)) steps.push({ percent: tenths / 10, waitMs: bake });
      steps.push({ percent: 100, waitMs: 0 });
      return steps;
    }
    default:
      return [{ percent: 100, waitMs: 0 }];
  }
}

export function bakeTimeMs(settings: DeploymentSettings): number {
  return (settings.bakeTimeInMinutes ?? DEPLOYMENT_DEFAULTS.bakeTimeInMinutes) * MINUTE_MS;
}

/**
 * The forward weights for green at `percent`: whole percents out of 100; a fraction (canary
 * 12.5%) out of 1000, as a listener's weights are whole numbers up to 999. AWS does not
 * document the numbers it writes, only the share.
 */
export function shiftWeights(blueTargetGroup: string, greenTargetGroup: string, percent: number): TargetGroupWeight[] {
  const whole = Number.isInteger(percent);
  const total = whole ? 100 : 1000;
  const green = whole ? percent : Math.round(percent * 10);
  return [
    { targetGroupArn: blueTargetGroup, weight: total - green },
    { targetGroupArn: greenTargetGroup, weight: green },
  ];
}

function invalid(message: string): CloudError {
  return new CloudError('Invalid', message, { service: 'ecs', operation: 'UpdateService', awsCode: 'InvalidParameterException' });
}

const isTenth = (v: number): boolean => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9;

/** What ECS would refuse in these settings, as messages (empty: valid). */
export function settingsProblems(settings: DeploymentSettings, hasAdvancedLoadBalancer: boolean): string[] {
  const problems: string[] = [];
  const strategy = strategyOf(settings);
  const bake = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_BAKE_MINUTES)) problems.push(`${name} must be a whole number of minutes from 0 to ${MAX_BAKE_MINUTES} (got ${v})`);
  };
  bake('bakeTimeInMinutes', settings.bakeTimeInMinutes);
  if (strategy === 'BLUE_GREEN' && settings.bakeTimeInMinutes === undefined) problems.push('bakeTimeInMinutes is required with the BLUE_GREEN strategy');
  const canary = settings.canaryConfiguration;
  if (canary) {
    if (strategy !== 'CANARY') problems.push('canaryConfiguration is only valid with the CANARY strategy');
    const p = canary.canaryPercent;
    if (p !== undefined && (p < 0.1 || p > 100 || !isTenth(p))) problems.push(`canaryPercent must be a multiple of 0.1 from 0.1 to 100 (got ${p})`);
    bake('canaryBakeTimeInMinutes', canary.canaryBakeTimeInMinutes);
  }
  const linear = settings.linearConfiguration;
  if (linear) {
    if (strategy !== 'LINEAR') problems.push('linearConfiguration is only valid with the LINEAR strategy');
    const p = linear.stepPercent;
    if (p !== undefined && (p < 3 || p > 100 || !isTenth(p))) problems.push(`stepPercent must be a multiple of 0.1 from 3 to 100 (got ${p})`);
    bake('stepBakeTimeInMinutes', linear.stepBakeTimeInMinutes);
  }
  if (isTrafficShifting(strategy) && !hasAdvancedLoadBalancer) {
    problems.push(`the ${strategy} strategy needs a load balancer with advancedConfiguration (alternate target group and production listener rule)`);
  }
  if (settings.alarms && settings.alarms.alarmNames.length === 0 && settings.alarms.enable) problems.push('alarms.alarmNames must name at least one alarm');
  return problems;
}

/** Throws InvalidParameterException for settings ECS would refuse. */
export function checkSettings(settings: DeploymentSettings, hasAdvancedLoadBalancer: boolean): void {
  const problems = settingsProblems(settings, hasAdvancedLoadBalancer);
  if (problems.length > 0) throw invalid(problems.join('; '));
}
