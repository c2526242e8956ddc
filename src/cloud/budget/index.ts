// Where providers are assembled: the budget in front of the adapters (or the simulator), read
// batching on top of it, one budget for every pass of the controller.
import type { CloudProvider } from '../ports.js';
import { CallBudget, type BudgetClock, type BudgetObserver } from './call-budget.js';
import { withCallBudget, type BatchReads } from './provider.js';
import type { RateOverrides } from './rates.js';

export interface PaceSettings {
  /** Default true. */
  enabled?: boolean;
  maxWaitMs?: number;
  rates?: RateOverrides;
}

export interface PaceDeps {
  clock: BudgetClock;
  observer?: BudgetObserver;
  logger?: { warn(fields: object, message: string): void };
}

/** The provider the controller uses: budgeted unless turned off, with `batchReads` on top. */
export function paceCalls(provider: CloudProvider, settings: PaceSettings | undefined, deps: PaceDeps, batchReads: BatchReads): CloudProvider {
  if (settings?.enabled === false) return batchReads(provider);
  const budget = new CallBudget({
    clock: deps.clock,
    ...(settings?.maxWaitMs !== undefined ? { maxWaitMs: settings.maxWaitMs } : {}),
    ...(settings?.rates ? { rates: settings.rates } : {}),
    ...(deps.observer ? { observer: deps.observer } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  return withCallBudget(provider, budget, batchReads);
}


/**
 * The budget in front of the simulated AWS (keelson run on a world, a rehearsal): its waits are
 * the simulator's waits on the clock, as its SDK retries are, so virtual time moves past them.
 */
export function paceSimulatedCalls(
  provider: CloudProvider,
  sim: { waits: { sleep(ms: number): Promise<void> } },
  clock: { now(): number },
  settings: PaceSettings | undefined,
  deps: Omit<PaceDeps, 'clock'>,
  batchReads: BatchReads,
): CloudProvider {
  return paceCalls(provider, settings, { ...deps, clock: { now: () => clock.now(), sleep: (ms) => sim.waits.sleep(ms) } }, batchReads);
}
