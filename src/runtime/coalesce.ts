// Runs an async task on demand, at most one at a time: a call while it runs asks for exactly one
// more run after it, however many calls arrive. A source that reports 2,000 changes in a row
// (a folder of manifests applied at once) is then read twice, not 2,000 times.

/**
 * Returns a trigger for `run`. The trigger's promise settles when a run that began at or after
 * the call has ended (the one queued, when one is running), so a caller that must wait for a
 * fresh read, at start-up say, shares it with everyone else. A run that fails is reported to
 * `onError` once, the promise still resolves, and later calls still run.
 */
export function coalesce(run: () => Promise<void>, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current = (async () => {
      try {
        await run();
      } catch (err) {
        onError(err);
      }
    })().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    // A run that started between the end of the last and this callback began after every caller
    // that queued, so it serves them too.
    queued ??= running.then(() => {
      queued = undefined;
      return running ?? start();
    });
    return queued;
  };
}
