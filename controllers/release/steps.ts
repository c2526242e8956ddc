// The steps a rollout walks and how each is named: what the reconciler follows, and what `keelson
// get`/`describe` and the API count and number. Imports nothing heavy: the CLI loads it at start.
import type { ReleaseSpec, Step } from '../../src/api/types.js';
import { describeApprovalGate } from './approval-gate.js';

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
