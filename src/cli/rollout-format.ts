// The parts of `describe` that need the spec: the steps and where the rollout stands in them, the
// gates it waits at, and what each colour runs. Steps are numbered from 1 for people (`2/4`); the
// API's currentStepIndex stays 0-based.
import type { ReleaseManifest } from '../api/manifest.js';
import type { Colour, ReleaseStatus, Step } from '../api/types.js';
import { describeStep, stepsOf } from '../../controllers/release/steps.js';

export type StepState = 'done' | 'current' | 'pending';

export interface StepRow {
  number: string;
  state: StepState | '-';
  what: string;
  step: Step;
}

/** The spec's steps with their state; empty for a rolling update or an unknown spec. */
export function stepRows(release: ReleaseManifest | null | undefined, status: ReleaseStatus): StepRow[] {
  if (!release || release.spec.strategy.rolling) return [];
  const steps = stepsOf(release.spec);
  const current = status.currentStepIndex;
  return steps.map((step, i) => ({
    number: `${i + 1}/${steps.length}`,
    state: current === null || current === undefined ? '-' : i < current ? 'done' : i === current ? 'current' : 'pending',
    what: describeStep(step),
    step,
  }));
}

export function stepLines(release: ReleaseManifest | null | undefined, status: ReleaseStatus): string[] {
  if (release === null || release === undefined) return ['  (the spec is not known: not in the sources, none kept in the state store)'];
  if (release.spec.strategy.rolling) return ['  (a rolling update: ECS replaces the tasks, no steps)'];
  const rows = stepRows(release, status);
  const lines = rows.map((r) => `  ${r.number.padEnd(6)} ${r.state.padEnd(8)} ${r.what}${r.state === 'current' ? currentNote(r.step, status) : ''}`);
  if (status.currentStepIndex === null || status.currentStepIndex === undefined) lines.push('  (no rollout under way)');
  else if (status.currentStepIndex >= rows.length) lines.push('  bake: every step done, all traffic on the new revision while health is watched');
  return lines;
}

/** What the current step waits for, from status. */
function currentNote(step: Step, status: ReleaseStatus): string {
  const reached = status.rollout?.stepReachedAt;
  if ('approval' in step && status.approvals?.waiting) return `: ${status.approvals.waiting.received}/${status.approvals.waiting.required} approved`;
  if ('pause' in step) return reached ? `: paused since ${reached}` : '';
  if ('job' in step || 'http' in step) {
    const name = 'job' in step ? step.job.name : step.http.name;
    const run = (status.jobs ?? []).find((j) => j.hook === 'step' && j.name === name && j.revision === status.rollout?.revision);
    return run ? `: ${run.state}${run.message ? ` (${run.message})` : ''}` : '';
  }
  return reached ? `: reached ${reached}` : '';
}

/** Every gate the Release waits at now: approvals, the deployment window, jobs under way. */
export function gateLines(status: ReleaseStatus, name: string): string[] {
  const lines: string[] = [];
  const waiting = status.approvals?.waiting;
  if (waiting) {
    lines.push(
      `  approval: ${waiting.received}/${waiting.required}${waiting.group ? ` from ${waiting.group}` : ''} for ${status.approvals?.revision}` +
        `${waiting.approvers.length > 0 ? ` (so far: ${waiting.approvers.join(', ')})` : ''}; keelson approve ${name}`,
    );
  }
  const window = status.window;
  if (window?.state === 'closed' && window.holding !== false) {
    lines.push(`  window: closed${window.closedBy ? ` (${window.closedBy})` : ''}: ${window.message}${window.nextOpenAt ? `; opens ${window.nextOpenAt}` : ''}`);
  }
  for (const job of status.jobs ?? []) {
    if (job.state !== 'Starting' && job.state !== 'Running') continue;
    lines.push(`  ${job.kind} ${job.name} (${job.hook}, ${job.revision}): ${job.state} since ${job.startedAt}${job.message ? `: ${job.message}` : ''}`);
  }
  return lines.length > 0 ? lines : ['  (none)'];
}

/**
 * Each colour with the revision it runs, its role and its share of traffic. Task counts (running,
 * desired, pending) are not kept in status: a pass writes status only when something changed, and
 * counts change with every task started.
 */
export function colourLines(status: ReleaseStatus): string[] {
  const stable = status.stableColour;
  if (!stable) return ['  (one service: see the Step and Weights above)'];
  const other: Colour = stable === 'blue' ? 'green' : 'blue';
  const rollout = status.rollout;
  const warm = status.warmColour?.colour === other ? status.warmColour : undefined;
  const rows: [Colour, string, string][] = [
    [stable, status.stableRevision ?? '?', 'stable'],
    rollout ? [rollout.colour ?? other, rollout.revision, rollout.result ? 'winding back' : 'canary'] : [other, warm?.revision ?? '-', warm ? 'warm' : 'idle'],
  ];
  return rows.map(([colour, revision, role]) => `  ${colour.padEnd(6)} ${role.padEnd(7)} ${revision.padEnd(24)} ${status.weights ? `${status.weights[colour]}%` : '-'}`);
}
