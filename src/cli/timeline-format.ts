import type { TimelineLine } from '../rehearse/rehearse.js';

const MARK: Record<string, string> = {
  RolloutStarted: '▶',
  StepReached: '→',
  Paused: '⏸',
  Promoted: '✔',
  Reverted: '↩',
  Aborted: '■',
  Superseded: '⇥',
  DriftCorrected: '⟲',
  Applied: '✎',
  Invalid: '✖',
};

/** One line of a rehearsal's timeline, for a terminal. */
export function formatTimelineLine(line: TimelineLine, nameWidth = 20): string {
  const mark = MARK[line.type] ?? '·';
  const offset = `+${line.offset}`.padStart(8);
  return `${offset}  ${line.release.padEnd(nameWidth)} ${mark} ${line.type.padEnd(14)} ${line.message}`;
}
