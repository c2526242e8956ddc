import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';

describe('VirtualClock', () => {
  it('fires timers in time order, then insertion order, as time advances', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push('b'));
    clock.setTimer(100, () => fired.push('a1'));
    clock.setTimer(100, () => fired.push('a2'));
    clock.setTimer(300, () => fired.push('c'));
    await clock.advance(250);
    expect(fired).toEqual(['a1', 'a2', 'b']);
    expect(clock.now()).toBe(250);
    await clock.advance(50);
    expect(fired).toEqual(['a1', 'a2', 'b', 'c']);
  });

  it('runs timers scheduled by async work started from a timer', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1_000);
        seen.push(clock.now());
      }
    };
    void loop();
    await clock.advance(5_000);
    expect(seen).toEqual([1_000, 2_000, 3_000]);
  });

  it('cancels timers and aborts sleeps', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const cancel = clock.setTimer(10, () => (fired = true));
    cancel();
    const controller = new AbortController();
    const sleeping = clock.sleep(100, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    await clock.advance(1_000);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });
});
