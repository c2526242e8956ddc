// The scaled clock runs real time N times faster; its timers fire at their time on it, never
// before. Real time, so the assertions leave room for a loaded machine.
import { describe, expect, it } from 'vitest';
import { ScaledClock } from '../../../src/runtime/clock.js';

const wallSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ScaledClock', () => {
  it('starts at the given time and runs speed times faster than the wall clock', async () => {
    const clock = new ScaledClock(100, 1_000_000);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000_000);
    const wallBefore = Date.now();
    const before = clock.now();
    await wallSleep(50);
    const elapsedWall = Date.now() - wallBefore;
    const elapsed = clock.now() - before;
    expect(elapsed).toBeGreaterThanOrEqual(100 * (elapsedWall - 2));
    expect(elapsed).toBeLessThanOrEqual(100 * (elapsedWall + 2));
  });

  it('fires a timer after its delay on the clock, a 100th of it on the wall at speed 100', async () => {
    const clock = new ScaledClock(100);
    const set = clock.now();
    const wallSet = Date.now();
    const fired = await new Promise<{ at: number; wall: number }>((resolve) => clock.setTimer(5_000, () => resolve({ at: clock.now(), wall: Date.now() })));
    expect(fired.at - set).toBeGreaterThanOrEqual(5_000);
    expect(fired.wall - wallSet).toBeGreaterThanOrEqual(49);
    expect(fired.wall - wallSet).toBeLessThan(5_000);
  });

  it('cancels timers and aborts sleeps', async () => {
    const clock = new ScaledClock(50);
    let fired = false;
    const cancel = clock.setTimer(100, () => (fired = true));
    cancel();
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    await wallSleep(20);
    expect(fired).toBe(false);
  });

  it('refuses a speed that is not a positive number', () => {
    expect(() => new ScaledClock(0)).toThrow(RangeError);
    expect(() => new ScaledClock(Number.NaN)).toThrow(RangeError);
  });
});
