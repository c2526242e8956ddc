// Stopping within ECS's stop timeout: after SIGTERM the task has stopTimeout (30s by default)
// before SIGKILL. The steps run in order (stop taking work, drain in-flight reconciles, release
// the lease, close the server), each bounded so the whole ends within timeoutMs. The CLI wires
// the signal; nothing here touches the process.
import type { Logger } from 'pino';
import type { Clock } from '../runtime/clock.js';

/** Leaves ECS's default 30s stop timeout 5s for flushing logs and exiting. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

export interface ShutdownStep {
  name: string;
  /** The signal aborts when the step's time is up: it should stop what it is doing. */
  run: (signal: AbortSignal) => Promise<void>;
  /**
   * The most time this step may take. Without it, the step may use whatever is left after the
   * limits of the steps after it, so give later steps a limit to keep time for them.
   */
  timeoutMs?: number;
}

export interface ShutdownOptions {
  timeoutMs?: number;
  logger: Logger;
  clock: Clock;
}

export class ShutdownStepTimeoutError extends Error {
  override readonly name = 'ShutdownStepTimeoutError';
  readonly code = 'ShutdownStepTimeout';
}

type StepOutcome = 'done' | 'timedOut' | 'failed';

/** Runs the steps in order; true when every one finished in time, false when one failed or was given up. */
export async function gracefulShutdown(steps: readonly ShutdownStep[], options: ShutdownOptions): Promise<boolean> {
  const { clock, logger } = options;
  const started = clock.now();
  const deadline = started + (options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
  let clean = true;
  for (const [index, step] of steps.entries()) {
    const keptForLater = steps.slice(index + 1).reduce((sum, later) => sum + (later.timeoutMs ?? 0), 0);
    const budget = Math.min(step.timeoutMs ?? Infinity, deadline - clock.now() - keptForLater);
    if (budget <= 0) {
      logger.warn({ step: step.name }, `shutdown: ${step.name} skipped, no time left`);
      clean = false;
      continue;
    }
    const stepStarted = clock.now();
    const outcome = await runBounded(step, budget, clock, logger);
    if (outcome !== 'done') clean = false;
    logger.info({ step: step.name, outcome, ms: clock.now() - stepStarted }, `shutdown: ${step.name} ${outcome}`);
  }
  logger.info({ clean, ms: clock.now() - started }, clean ? 'shutdown complete' : 'shutdown gave up on some steps');
  return clean;
}

async function runBounded(step: ShutdownStep, budget: number, clock: Clock, logger: Logger): Promise<StepOutcome> {
  const abort = new AbortController();
  let cancelTimer = (): void => {};
  const timedOut = new Promise<StepOutcome>((resolve) => {
    cancelTimer = clock.setTimer(budget, () => resolve('timedOut'));
  });
  // Never rejects, so a step that fails after being given up raises no unhandled rejection.
  const running = Promise.resolve()
    .then(() => step.run(abort.signal))
    .then(
      (): StepOutcome => 'done',
      (err: unknown): StepOutcome => {
        logger.error({ err, step: step.name }, `shutdown: ${step.name} failed`);
        return 'failed';
      },
    );
  const outcome = await Promise.race([running, timedOut]);
  cancelTimer();
  if (outcome === 'timedOut') abort.abort(new ShutdownStepTimeoutError(`${step.name} did not finish within ${budget} ms`));
  return outcome;
}
