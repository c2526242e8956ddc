// What a stage that is not done waits on, as a value: the phase, the reason and the deadline
// follow from it, never from the message text.
import type { Phase } from '../../../src/api/types.js';
import type { Draft } from '../draft.js';
import type { StepJudgement } from '../health-status.js';
import { healthIntervalMs, progressDeadlineMs } from '../spec.js';
import { REASONS, type Reason } from '../status.js';

/**
 * cloud: tasks, targets, a weight to be read back; it counts against progressDeadline.
 * timer: a pause, an analysis or the bake running its course.
 * person: `keelson promote`.
 * data: health that has not yet passed with data covering the step; after progressDeadline
 *       the Release goes Paused (NoData), and moves on only once the data passes or a person promotes.
 * release: another Release (spec.promotion) must first prove the revision; nothing has started,
 *       so no deadline runs.
 * window: the deployment schedule is closed; it never counts against progressDeadline.
 * job: a one-off task (preDeploy, a job step, postPromote) still running; bounded by its own
 *      timeout, so it never counts against progressDeadline.
 */
export type WaitingOn = 'cloud' | 'timer' | 'person' | 'data' | 'release' | 'window' | 'job';

export interface Wait {
  done: false;
  waitingOn: WaitingOn;
  message: string;
  requeueAfter?: number;
  /** data: when the wait for data began (the end of the step's own time). */
  waitingSince?: number;
  /** data: some condition has no data at all (rather than data that does not pass yet). */
  noData?: boolean;
  /** person: the person asked for is an approver (an approval gate), not a `promote`. */
  gate?: 'approval';
}

export type StageResult = { done: true } | Wait;

export const DONE: StageResult = { done: true };

const after = (requeueAfter: number | undefined): { requeueAfter?: number } => (requeueAfter !== undefined ? { requeueAfter } : {});

/** A wait on the cloud (tasks, targets, DNS): it counts against progressDeadline. */
export const waitFor = (message: string, requeueAfter?: number): StageResult => ({ done: false, waitingOn: 'cloud', message, ...after(requeueAfter) });

/** A wait by design (pause, analysis, bake): it never counts against progressDeadline. */
export const holdFor = (message: string, requeueAfter?: number): StageResult => ({ done: false, waitingOn: 'timer', message, ...after(requeueAfter) });

/** A wait for a person's promote. */
export const awaitPerson = (message: string): StageResult => ({ done: false, waitingOn: 'person', message });

/** A step's health did not pass yet: wait for data that covers the step, never move on without it. */
export function awaitData(d: Draft, judgement: Exclude<StepJudgement, { pass: true }>, waitingSince: number, what: string): StageResult {
  const interval = healthIntervalMs(d.spec);
  const untilCovered = judgement.coveredAt !== undefined && judgement.coveredAt > d.now ? judgement.coveredAt - d.now : interval;
  return {
    done: false,
    waitingOn: 'data',
    message: `${what}: ${judgement.message}`,
    requeueAfter: Math.min(untilCovered, interval),
    waitingSince,
    noData: judgement.noData.length > 0,
  };
}

/** Holds the step and runs the gate: a step with health to judge passes only on measured health. */
export function judged(d: Draft, judgement: StepJudgement, waitingSince: number, what: string): StageResult {
  return judgement.pass ? DONE : awaitData(d, judgement, waitingSince, what);
}

/** The phase a wait puts the Release in, and whether it just became a pause (tell people once). */
export function phaseOfWait(d: Draft, wait: Wait): { phase: Phase; reason: Reason } {
  if (wait.waitingOn === 'person') return { phase: 'Paused', reason: wait.gate === 'approval' ? REASONS.AwaitingApproval : REASONS.RolloutPaused };
  if (wait.waitingOn === 'release') return { phase: 'Pending', reason: REASONS.PromotionPending };
  if (wait.waitingOn === 'window') return { phase: 'Paused', reason: REASONS.WindowClosed };
  if (wait.waitingOn === 'job') return { phase: 'Progressing', reason: REASONS.JobRunning };
  if (wait.waitingOn === 'data' && dataOverdue(d, wait)) {
    return { phase: 'Paused', reason: wait.noData ? REASONS.NoData : REASONS.AnalysisInconclusive };
  }
  return { phase: 'Progressing', reason: REASONS.RolloutInProgress };
}

/** Data has been awaited longer than progressDeadline: time a person looked. */
export function dataOverdue(d: Draft, wait: Wait): boolean {
  return wait.waitingOn === 'data' && d.now - (wait.waitingSince ?? d.now) >= progressDeadlineMs(d.spec);
}
