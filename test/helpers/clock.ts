import type { VirtualClock } from '../../src/runtime/clock.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Moves virtual time in steps, letting real I/O (file events, child processes, sockets) land
 * between steps, until done() holds. Fails after maxSteps: a bound on work, not on wall time.
 */
export async function advanceUntil(clock: VirtualClock, stepMs: number, done: () => boolean, maxSteps = 5_000): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (done()) return;
    await clock.advance(stepMs);
    await turn();
  }
  if (!done()) throw new Error(`condition not reached after ${maxSteps} steps of ${stepMs}ms`);
}

/**
 * Lets real I/O land without moving virtual time, until done() holds: event-loop turns first,
 * then short naps so a slow child process (git under load) is waited for without spinning.
 * The bound only turns a hang into a failure; nothing here measures speed.
 */
export async function untilIo(done: () => boolean, maxTurns = 1_000, maxNaps = 4_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (done()) return;
    await turn();
  }
  for (let i = 0; i < maxNaps; i++) {
    if (done()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
  if (!done()) throw new Error('condition not reached while waiting for I/O');
}

/**
 * Runs the clock's timers one at a time, each only once the work started by the previous one
 * has re-armed a timer and idle() holds (so virtual time never outruns real I/O), until done().
 */
export async function runTimersUntil(clock: VirtualClock, done: () => boolean, options: { idle?: () => boolean; maxTimers?: number } = {}): Promise<void> {
  const maxTimers = options.maxTimers ?? 1_000;
  const idle = options.idle ?? (() => true);
  for (let i = 0; i < maxTimers; i++) {
    if (done()) return;
    await untilIo(() => (clock.pendingTimers() > 0 && idle()) || done());
    if (done()) return;
    await clock.advanceTo(clock.nextTimerAt()!);
  }
  if (!done()) throw new Error(`condition not reached after ${maxTimers} timers`);
}
