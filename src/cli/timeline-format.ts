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
  AwaitingApproval: '✋',
  Approved: '✓',
  ApprovalRefused: '✖',
  Applied: '✎',
  Invalid: '✖',
  // What people do on a world's timeline.
  UpdateService: '☛',
  SetWeights: '☛',
  SetRecordWeights: '☛',
  DeleteService: '☛',
  DeleteTargetGroup: '☛',
  Deleted: '☛',
  Restored: '☛',
  Operation: '☛',
  Refused: '✖',
};

/** One line of a rehearsal's timeline, for a terminal. */
export function formatTimelineLine(line: TimelineLine, nameWidth = 20): string {
  const mark = MARK[line.type] ?? '·';
  const offset = `+${line.offset}`.padStart(8);
  // A hand edit on AWS belongs to no Release.
  const subject = line.release || (line.kind === 'action' ? '(aws)' : '');
  return `${offset}  ${subject.padEnd(nameWidth)} ${mark} ${line.type.padEnd(14)} ${line.message}`;
}
