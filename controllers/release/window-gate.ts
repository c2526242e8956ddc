// The deployment window as a gate: while spec.schedule is closed, no rollout starts and no step
// moves more traffic to the new revision. It holds forward progress only: health is still
// watched, a failure still reverts, an abort still goes back. A person's promote with
// overrideWindow lets the desired revision move anyway, and is recorded.
import type { RolloutProgress, WindowStatus } from '../../src/api/types.js';
import { sameRevision } from '../../src/cloud/task-definition-ref.js';
import { describeInstant, displayTimeZone, evaluateSchedule, hasSchedule } from '../../src/schedule/deploy-schedule.js';
import type { Draft } from './draft.js';
import { iso, ms, REASONS } from './status.js';
import type { Wait } from './strategies/waits.js';

/** Once per pass, before the strategy: status.window, the override asked for, WindowOpened. */
export function recordWindow(d: Draft): void {
  const schedule = d.spec.schedule;
  if (!hasSchedule(schedule)) {
    if (d.status.window) d.status.window = null;
    return;
  }
  const previous = d.status.window ?? undefined;
  const desired = d.status.desiredRevision ?? null;
  const verdict = evaluateSchedule(schedule, d.now);
  const zone = displayTimeZone(schedule);
  const when = (t: number | undefined): string => (t === undefined ? 'not within a year' : describeInstant(t, zone));
  let override = previous?.override && desired && sameRevision(previous.override.revision, desired) ? previous.override : null;
  const forcing = d.requested.find((op) => op.overrideWindow && (op.kind === 'promote' || op.kind === 'promoteFull'));
  if (forcing && desired && !verdict.open) {
    override = { revision: desired, by: forcing.requestedBy ?? 'an operator', at: iso(d.now) };
    d.emit({
      type: 'WindowOpened',
      toRevision: desired,
      by: override.by,
      reason: 'overrideWindow',
      message: `${override.by} overrode the closed deployment window for ${desired}`,
    });
  }
  // Nothing waits any more (the rollout ended, or its revision is blocked): there is nothing to resume.
  const starting = !sameRevision(desired, d.status.stableRevision) && !sameRevision(desired, d.status.blockedRevision);
  const waiting = !!d.status.rollout || starting || !!d.status.restart;
  const window: WindowStatus = verdict.open
    ? { state: 'open', closedBy: null, message: `open; closes ${when(verdict.changesAt)}`, closesAt: at(verdict.changesAt), holding: false, override }
    : {
        state: 'closed',
        closedBy: verdict.closedBy ?? null,
        message: closedMessage(verdict.closedBy, verdict.reason, when(verdict.changesAt)),
        nextOpenAt: at(verdict.changesAt),
        holding: waiting && (previous?.holding ?? false),
        override,
      };
  if (verdict.open && previous?.holding) {
    d.emit({ type: 'WindowOpened', toRevision: desired, message: `deployment window open: ${desired ?? 'the rollout'} moves on` });
  }
  d.status.window = window;
}

/**
 * A closed window holds a forward move (`what`: a start, more traffic). Undefined: go on. The
 * first hold tells people once (WindowClosed); the pass comes back when the window opens, and
 * sooner when health is due.
 */
export function windowHold(d: Draft, what: string, rollout?: RolloutProgress): Wait | undefined {
  const w = d.status.window;
  if (!w || w.state === 'open') return undefined;
  if (w.override && sameRevision(w.override.revision, d.status.desiredRevision)) return undefined;
  // The held step starts again when the window opens: neither its progressDeadline nor the
  // health that must cover it counts the hours it was held.
  if (rollout) rollout.stepStartedAt = iso(d.now);
  const message = `${what} waits for the deployment window (${w.message})`;
  if (!w.holding) {
    d.emit({ type: 'WindowClosed', toRevision: d.status.desiredRevision ?? null, reason: w.closedBy ?? 'outsideWindow', message });
  }
  w.holding = true;
  const opens = ms(w.nextOpenAt);
  return { done: false, waitingOn: 'window', message, ...(Number.isFinite(opens) ? { requeueAfter: Math.max(0, opens - d.now) } : {}) };
}

/** Before a rollout starts: true when the window holds it (status says until when). */
export function holdStart(d: Draft, what: string): boolean {
  const hold = windowHold(d, what);
  if (!hold) return false;
  d.setPhase('Pending', REASONS.WindowClosed, hold.message);
  // The next pass is due when the window opens; the resync looks in between.
  if (hold.requeueAfter !== undefined) d.requeue(hold.requeueAfter);
  return true;
}

function closedMessage(closedBy: WindowStatus['closedBy'], reason: string | undefined, opens: string): string {
  const why = closedBy === 'blackout' ? `blackout${reason ? `: ${reason}` : ''}; ` : closedBy === 'freeze' ? `freeze${reason ? `: ${reason}` : ''}; ` : '';
  return `${why}opens ${opens}`;
}

const at = (t: number | undefined): string | null => (t === undefined ? null : iso(t));
