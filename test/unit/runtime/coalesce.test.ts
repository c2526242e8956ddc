// Changes reported while a source is read: one more read after it, however many changes.
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../src/runtime/coalesce.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('coalesce', () => {
  it('runs once more after the running one, for any number of calls while it runs', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const trigger = coalesce(
      () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => {},
    );
    trigger();
    for (let i = 0; i < 1_000; i++) trigger();
    expect(runs).toBe(1);
    release();
    await turn();
    expect(runs).toBe(2);
    release();
    await turn();
    expect(runs).toBe(2);
    trigger();
    expect(runs).toBe(3);
  });

  it('reports a failed run and still runs for the next call', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const trigger = coalesce(async () => {
      runs++;
      if (runs === 1) throw Object.assign(new Error('unreachable'), { code: 'SourceUnavailable' });
    }, (err) => errors.push(err));
    trigger();
    await turn();
    trigger();
    await turn();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('a call while a run is under way resolves only when the run queued after it has ended', async () => {
    const ended: number[] = [];
    let runs = 0;
    let release: () => void = () => {};
    const trigger = coalesce(
      () => {
        const run = ++runs;
        return new Promise<void>((resolve) => (release = () => (ended.push(run), resolve())));
      },
      () => {},
    );
    const first = trigger();
    const second = trigger();
    const third = trigger();
    let secondDone = false;
    void second.then(() => (secondDone = true));
    release();
    await first;
    expect(secondDone).toBe(false);
    await turn();
    release();
    await Promise.all([second, third]);
    expect(ended).toEqual([1, 2]);
  });
});
