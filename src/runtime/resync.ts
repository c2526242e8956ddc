// Periodic resync: every known key is enqueued once per period, each at its own moment, so
// 5,000 Releases make a steady trickle of reconciles (and ECS calls) rather than a burst.
// Keys are read at the start of each round; round k spreads them over [k·period, (k+1)·period):
// the i-th of n keys lands at a random point of the i-th of n equal slots (or, in groups of g,
// the j-th group at a random point of the j-th of n/g slots).
import type { CancelTimer, Clock } from './clock.js';

export interface ResyncOptions {
  clock: Clock;
  periodMs: number;
  /** Every key known now (read once per round). */
  keys: () => Iterable<string>;
  /** Usually `(key) => queue.add(key)`. */
  enqueue: (key: string) => void;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  /**
   * Keys enqueued at the same moment (default 1). A group as large as the work queue's
   * concurrency starts that many passes together, so their reads share batched calls.
   */
  groupSize?: number;
}

export interface Resync {
  stop(): void;
}

/**
 * Starts resyncing; the first round begins one period from now (enqueue every key yourself at
 * start-up). Time comes only from the clock: one timer is pending at any moment.
 */
export function startResync(options: ResyncOptions): Resync {
  const { clock, periodMs, enqueue } = options;
  const random = options.random ?? Math.random;
  let cancel: CancelTimer | undefined;
  let stopped = false;

  const schedule = (at: number, fn: () => void): void => {
    if (stopped) return;
    cancel = clock.setTimer(Math.max(0, at - clock.now()), fn);
  };

  const round = (roundStart: number): void => {
    const keys = [...options.keys()];
    const group = Math.max(1, Math.floor(options.groupSize ?? 1));
    const groups = Math.ceil(keys.length / group);
    const slot = periodMs / Math.max(1, groups);
    const groupDue = Array.from({ length: groups }, (_g, j) => roundStart + Math.floor((j + random()) * slot));
    const due = keys.map((_key, i) => groupDue[Math.floor(i / group)] as number);
    let next = 0;
    const fire = (): void => {
      const now = clock.now();
      while (next < keys.length && (due[next] as number) <= now) enqueue(keys[next++] as string);
      if (next < keys.length) schedule(due[next] as number, fire);
      else schedule(roundStart + periodMs, () => round(roundStart + periodMs));
    };
    fire();
  };

  const first = clock.now() + periodMs;
  schedule(first, () => round(first));
  return {
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}
