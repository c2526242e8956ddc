// Runs an async task on demand, at most one at a time: a call while it runs asks for exactly one
// more run after it, however many calls arrive. A source that reports 2,000 changes in a row
// (a folder of manifests applied at once) is then read twice, not 2,000 times.

/** Returns a trigger for `run`; a run that fails is reported to `onError` and later calls still run. */
export function coalesce(run: () => Promise<void>, onError: (err: unknown) => void): () => void {
  let running = false;
  let again = false;
  const loop = async (): Promise<void> => {
    running = true;
    do {
      again = false;
      try {
        await run();
      } catch (err) {
        onError(err);
      }
    } while (again);
    running = false;
  };
  return () => {
    if (running) {
      again = true;
      return;
    }
    void loop();
  };
}
