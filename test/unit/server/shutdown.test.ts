import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, gracefulShutdown, type ShutdownStep } from '../../../src/server/shutdown.js';

const logger = pino({ level: 'silent' });

/** Steps that record when they started, and when they were told to stop. */
function recorder(clock: VirtualClock) {
  const started: Record<string, number> = {};
  const aborted: Record<string, number> = {};
  const step = (name: string, behaviour: 'quick' | 'hang' | 'fail' | number, timeoutMs?: number): ShutdownStep => ({
    name,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    run: async (signal) => {
      started[name] = clock.now();
      signal.addEventListener('abort', () => (aborted[name] = clock.now()));
      if (behaviour === 'hang') return new Promise<void>(() => {});
      if (behaviour === 'fail') throw new Error(`${name} broke`);
      if (typeof behaviour === 'number') await clock.sleep(behaviour);
    },
  });
  return { started, aborted, step };
}

/** Runs a shutdown while virtual time moves on; returns its result and when it finished. */
async function shutdownWith(clock: VirtualClock, steps: ShutdownStep[], advanceMs: number, timeoutMs?: number) {
  const t0 = clock.now();
  let finishedAt: number | undefined;
  const done = gracefulShutdown(steps, { logger, clock, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }).then((clean) => {
    finishedAt = clock.now() - t0;
    return clean;
  });
  await clock.advance(advanceMs);
  return { clean: await done, finishedAt };
}

describe('gracefulShutdown', () => {
  it('runs every step in order, each after the one before has finished, and reports a clean stop', async () => {
    const clock = new VirtualClock(0);
    const { started, step } = recorder(clock);
    const steps = [step('stop taking work', 'quick'), step('drain reconciles', 3_000), step('release lease', 200), step('close server', 'quick')];
    const { clean, finishedAt } = await shutdownWith(clock, steps, 10_000, 10_000);
    expect(clean).toBe(true);
    expect(started).toEqual({ 'stop taking work': 0, 'drain reconciles': 0, 'release lease': 3_000, 'close server': 3_200 });
    expect(finishedAt).toBe(3_200);
  });

  it('gives up on a hanging step in time for the later steps, and ends within the timeout', async () => {
    const clock = new VirtualClock(0);
    const { started, aborted, step } = recorder(clock);
    const steps = [step('drain reconciles', 'hang'), step('release lease', 'quick', 2_000), step('close server', 100, 1_000)];
    const { clean, finishedAt } = await shutdownWith(clock, steps, 60_000, 10_000);
    expect(clean).toBe(false);
    expect(aborted['drain reconciles']).toBe(7_000);
    expect(started['release lease']).toBe(7_000);
    expect(started['close server']).toBe(7_000);
    expect(finishedAt).toBe(7_100);
  });

  it('bounds every step so the whole finishes by the deadline even when all of them hang', async () => {
    const clock = new VirtualClock(0);
    const { aborted, step } = recorder(clock);
    const steps = [step('drain reconciles', 'hang'), step('release lease', 'hang', 2_000), step('close server', 'hang', 1_000)];
    const { clean, finishedAt } = await shutdownWith(clock, steps, 60_000, 10_000);
    expect(clean).toBe(false);
    expect(aborted).toEqual({ 'drain reconciles': 7_000, 'release lease': 9_000, 'close server': 10_000 });
    expect(finishedAt).toBe(10_000);
  });

  it('waits 25 seconds by default before giving up', async () => {
    const clock = new VirtualClock(0);
    const { aborted, step } = recorder(clock);
    const { clean, finishedAt } = await shutdownWith(clock, [step('drain reconciles', 'hang')], 60_000);
    expect(clean).toBe(false);
    expect(aborted['drain reconciles']).toBe(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(finishedAt).toBe(25_000);
  });

  it('goes on after a step that fails, and reports the stop as not clean', async () => {
    const clock = new VirtualClock(0);
    const { started, step } = recorder(clock);
    const { clean } = await shutdownWith(clock, [step('drain reconciles', 'fail'), step('release lease', 'quick')], 1_000, 5_000);
    expect(clean).toBe(false);
    expect(started['release lease']).toBe(0);
  });

  it('skips a step that has no time left once later steps keep theirs', async () => {
    const clock = new VirtualClock(0);
    const { started, step } = recorder(clock);
    const steps = [step('drain reconciles', 'quick', 1_000), step('release lease', 'quick', 5_000)];
    const { clean } = await shutdownWith(clock, steps, 10_000, 4_000);
    expect(clean).toBe(false);
    expect(started).toEqual({ 'release lease': 0 });
  });

  it('leaves no timer behind when every step finishes early', async () => {
    const clock = new VirtualClock(0);
    const { step } = recorder(clock);
    const done = gracefulShutdown([step('close server', 'quick')], { logger, clock, timeoutMs: 5_000 });
    expect(await done).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });
});
