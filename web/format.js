// Small formatting shared by the pages.

export const PHASE_CLASS = {
  Healthy: 'ok',
  Progressing: 'moving',
  Paused: 'waiting',
  Pending: 'idle',
  Degraded: 'bad',
  Aborted: 'bad',
  Stalled: 'bad',
  Invalid: 'bad',
  Orphaned: 'idle',
};

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** "2/4": the API's step index is 0-based; people count from 1. */
export function stepText(step, count) {
  if (step === null || step === undefined) return '–';
  return count ? `${Math.min(step + 1, count)}/${count}` : `${step + 1}`;
}

/** A step of the spec in a few words, and what kind of stop it is. */
export function describeStep(step) {
  if ('setWeight' in step) return { text: `weight ${step.setWeight}%`, kind: 'weight' };
  if ('pause' in step) return { text: step.pause.duration ? `pause ${step.pause.duration}` : 'pause until promoted', kind: 'pause' };
  if ('analysis' in step) return { text: `analysis ${step.analysis.duration}`, kind: 'analysis' };
  if ('approval' in step) return { text: `approval (${step.approval.required ?? 1})`, kind: 'gate' };
  if ('job' in step) return { text: `job ${step.job.name ?? ''}`.trim(), kind: 'gate' };
  if ('http' in step) return { text: 'http check', kind: 'gate' };
  return { text: Object.keys(step)[0] ?? 'step', kind: 'other' };
}
