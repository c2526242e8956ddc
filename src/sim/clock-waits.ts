// A simulated call may wait on the clock (an SDK retry's backoff, the adaptive rate limiter, a
// request that times out). In virtual time such a wait ends only when someone moves the clock,
// so whoever drives time must not wait for the call to finish first: it asks here whether every
// call of the simulator that is still running waits on the clock. The simulator's own real I/O
// (loopback HTTP probes) is counted too: time does not move while a probe is on the wire.

import { settleMicrotasks, type Clock, type VirtualClock } from '../runtime/clock.js';

export class ClockWaits {
  private sleeping = 0;
  private io = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  /** Waits ms on the clock, counted as a call waiting for time to pass. */
  async sleep(ms: number): Promise<void> {
    this.change(() => this.sleeping++);
    try {
      await this.clock.sleep(ms);
    } finally {
      this.change(() => this.sleeping--);
    }
  }

  /** Real I/O of the simulator's: while it is in flight, time must not be moved. */
  async duringIo<T>(work: () => Promise<T>): Promise<T> {
    this.change(() => this.io++);
    try {
      return await work();
    } finally {
      this.change(() => this.io--);
    }
  }

  /** Some call waits for time to pass, and none of the simulator's real I/O is in flight. */
  get waitingOnClock(): boolean {
    return this.sleeping > 0 && this.io === 0;
  }

  /** Resolves at the next change of either count; cancel() forgets the waiter. */
  nextChange(): { changed: Promise<void>; cancel: () => void } {
    let listener: () => void = () => undefined;
    const changed = new Promise<void>((resolve) => {
      listener = resolve;
      this.listeners.add(listener);
    });
    return { changed, cancel: () => this.listeners.delete(listener) };
  }

  private change(step: () => void): void {
    step();
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const resolve of listeners) resolve();
  }
}

/**
 * Resolves once `work` has settled, or once the work still running waits on the clock (and
 * promise chains have run to their next wait): then only moving time lets it go on.
 */
export async function untilSettledOrWaiting(work: Promise<unknown>, waits: ClockWaits): Promise<'settled' | 'waiting'> {
  let settled = false;
  const done = work.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  for (;;) {
    await settleMicrotasks();
    if (settled) return 'settled';
    if (waits.waitingOnClock) return 'waiting';
    const next = waits.nextChange();
    await Promise.race([done, next.changed]);
    next.cancel();
  }
}

/**
 * Awaits `work` on a virtual clock: whenever it waits on the clock, the clock moves to its next
 * timer. Time moves only as far as the work needs.
 */
export async function driveClock<T>(clock: VirtualClock, waits: ClockWaits, work: Promise<T>): Promise<T> {
  while ((await untilSettledOrWaiting(work, waits)) === 'waiting') {
    const next = clock.nextTimerAt();
    if (next === undefined) break;
    await clock.advanceTo(next);
  }
  return work;
}
