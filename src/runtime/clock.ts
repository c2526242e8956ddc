// All time comes through a Clock, so that the controller and the simulator run unchanged in
// virtual time (scenarios, rehearsals, benchmarks) and in real time (production).
import { TimerHeap, type HeapTimer } from './timer-heap.js';

export type CancelTimer = () => void;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls fn once after ms; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): CancelTimer;
  /** Resolves after ms (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  /**
   * Node fires a timeout longer than 2^31-1 ms (about 24.8 days) after 1 ms instead, so a long
   * wait is a chain of timers, each re-measured against the wall clock. An infinite or NaN
   * delay never fires.
   */
  setTimer(ms: number, fn: () => void): CancelTimer {
    if (!(ms < Infinity)) return () => undefined;
    const due = Date.now() + Math.max(0, ms);
    let handle: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const left = due - Date.now();
      if (left > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
      else handle = setTimeout(fn, Math.max(0, left));
    };
    arm();
    return () => clearTimeout(handle);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/**
 * Real time run `speed` times faster: a simulated world played on the wall clock, e.g. `keelson
 * run --cloud sim:WORLD --speed 60` runs an hour of the world in a minute. Time starts at the
 * wall clock's now and every timer waits 1/speed of its delay, so resyncs, backoffs, pauses and
 * the simulator all keep their proportions.
 */
export class ScaledClock implements Clock {
  private readonly wallStart: number;
  private readonly start: number;
  private readonly wall = new RealClock();

  constructor(
    readonly speed: number,
    start?: number,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number (got ${speed})`);
    this.wallStart = this.wall.now();
    this.start = start ?? this.wallStart;
  }

  now(): number {
    return this.start + Math.floor((this.wall.now() - this.wallStart) * this.speed);
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    if (!(ms < Infinity)) return () => undefined;
    // Measured against this clock, not the wall: a timer never fires before its time here.
    const due = this.now() + Math.max(0, ms);
    let cancel: CancelTimer = () => undefined;
    const arm = (): void => {
      const left = due - this.now();
      cancel = left <= 0 ? this.wall.setTimer(0, fn) : this.wall.setTimer(Math.ceil(left / this.speed), arm);
    };
    arm();
    return () => cancel();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** The longest delay setTimeout honours. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface VirtualTimer extends HeapTimer {
  fn: () => void;
}

/** Lets promise chains started by a timer run to their next wait before time moves on. */
export async function settleMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Time that moves only when told to. Timers fire in (time, insertion) order, so a run is
 * deterministic; after each firing `settle` runs so async work can schedule its next timer.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new TimerHeap<VirtualTimer>();

  constructor(start: number | string = '2026-01-01T00:00:00Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const timer: VirtualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => this.timers.cancel(timer);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Time of the next pending timer, if any. */
  nextTimerAt(): number | undefined {
    return this.timers.peek()?.at;
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing every timer due on the way. */
  async advance(ms: number, settle: () => Promise<void> = settleMicrotasks): Promise<void> {
    await this.advanceTo(this.current + ms, settle);
  }

  async advanceTo(target: number, settle: () => Promise<void> = settleMicrotasks): Promise<void> {
    await settle();
    for (;;) {
      const next = this.timers.peek();
      if (!next || next.at > target) break;
      this.timers.pop();
      this.current = Math.max(this.current, next.at);
      next.fn();
      await settle();
    }
    this.current = Math.max(this.current, target);
  }
}

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
