// A stage: the real controller against the simulated AWS, in virtual time, with its state in
// memory. Rehearsals, the demo, scenario tests and benchmarks all run on it.
import pino, { type Logger } from 'pino';
import { evaluateHealth } from '../../controllers/release/health.js';
import { Reconciler } from '../../controllers/release/reconciler.js';
import type { ReleaseStatus } from '../api/types.js';
import { paceSimulatedCalls, type PaceSettings } from '../cloud/budget/index.js';
import { batchEveryRead } from '../cloud/read-batching.js';
import type { CloudProvider } from '../cloud/ports.js';
import type { EventSink, RolloutEvent } from '../notify/events.js';
import { VirtualClock } from '../runtime/clock.js';
import { Controller } from '../runtime/controller.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { instrumentReconciler } from '../server/instrument.js';
import type { ControllerMetrics } from '../server/metrics.js';
import { driveClock, untilSettledOrWaiting } from '../sim/clock-waits.js';
import { randomStream } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';
import type { SimWorld } from '../sim/world.js';
import { MemorySource } from '../sources/memory.js';
import { MemoryStateStore } from '../store/memory.js';
import type { StateStore } from '../store/store.js';

/**
 * What a stage needs of the simulated AWS: the Simulator itself, or a world in another process
 * standing in for it (its provider forwards every port call there).
 */
export type StageSim = Pick<Simulator, 'provider' | 'waits' | 'calls' | 'advanceTo'>;

export interface StageOptions<S extends StageSim = Simulator> {
  world: SimWorld;
  clock?: VirtualClock;
  seed?: number;
  /** Start the simulator's loopback HTTP server (for `http` health conditions). */
  http?: boolean;
  logger?: Logger;
  concurrency?: number;
  resyncMs?: number;
  /** Wraps the simulator's own provider, under DescribeServices batching (e.g. a delay per AWS call). */
  wrapSimProvider?: (provider: CloudProvider, sim: S) => CloudProvider;
  /** Wraps the simulated cloud, e.g. to check invariants on every write. */
  wrapCloud?: (cloud: CloudProvider, sim: S) => CloudProvider;
  /** Also told about every rollout event. */
  events?: EventSink;
  /** Share a simulator, a state store and a source with an earlier stage: a controller restart. The stage does not close it. */
  sim?: S;
  store?: StateStore;
  source?: MemorySource;
  /** Who holds the lease (default `stage`). */
  holder?: string;
  /** Join the reads of passes running at once (DescribeServices, listener weights, scalable targets; default true). */
  batchDescribeServices?: boolean;
  /** Records every pass and rollout event, as `keelson run` does, e.g. to serve /metrics from the stage. */
  metrics?: ControllerMetrics;
  /** Groups of people who may approve; default: the world's `approvers`. */
  approvers?: Record<string, string[]>;
  /**
   * Pace AWS requests by the call budget, as `keelson run` does (true: AWS's documented rates).
   * Default off, so that the timing of existing rehearsals stays as it was. With it on, wrapCloud
   * wraps the simulator under the budget and the read batching, and sees the requests AWS sees.
   */
  callBudget?: boolean | PaceSettings;
}

export interface Stage<S extends StageSim = Simulator> {
  clock: VirtualClock;
  sim: S;
  store: StateStore;
  source: MemorySource;
  controller: Controller;
  /** Every rollout event so far, in order. */
  events: RolloutEvent[];
  /** Moves virtual time forward in steps, letting every due reconcile finish at each step. */
  advance(ms: number, options?: { stepMs?: number; onStep?: (now: number) => void | Promise<void> }): Promise<void>;
  status(name: string): Promise<ReleaseStatus | undefined>;
  close(): Promise<void>;
}

export const STAGE_LEASE = 'controller';
export async function createStage<S extends StageSim = Simulator>(options: StageOptions<S>): Promise<Stage<S>> {
  const clock = options.clock ?? new VirtualClock(options.world.start ?? '2026-01-01T00:00:00Z');
  const seed = options.seed ?? options.world.seed ?? 1;
  const ownSim = options.sim ? undefined : new Simulator({ world: options.world, clock, seed });
  // Without options.sim, S is its default: the Simulator built here.
  const sim = (options.sim ?? ownSim) as S;
  if (options.http && ownSim) await ownSim.startHttp();
  const store = options.store ?? new MemoryStateStore();
  const source = options.source ?? new MemorySource('rehearsal');
  const logger = options.logger ?? pino({ level: 'silent' });
  const lease = await store.acquire(STAGE_LEASE, options.holder ?? 'stage', 365 * 24 * 3_600_000, clock.now());
  if (!lease) throw new Error('could not take the stage lease');
  const fence = () => ({ lease: STAGE_LEASE, token: lease.token });
  const events: RolloutEvent[] = [];
  const cloud = options.callBudget ? pacedStageCloud(options, sim, clock, logger) : unpacedStageCloud(options, sim);
  const metricsSink = options.metrics?.eventSink();
  const plain = new Reconciler({
    cloud,
    store,
    clock,
    health: evaluateHealth,
    events: {
      emit: (event) => {
        events.push(event);
        options.events?.emit(event);
        metricsSink?.emit(event);
      },
    },
    logger,
    fence,
    approvers: options.approvers ?? options.world.approvers ?? {},
  });
  const reconciler = options.metrics ? instrumentReconciler(plain, options.metrics, clock) : plain;
  // Backoff and resync jitter from seeded streams, so a run repeats draw for draw.
  const random = randomStream(seed, 'work-queue');
  const nextRandom = () => random.next();
  const resyncRandom = randomStream(seed, 'resync');
  // Passes at once, and the group a resync starts together (so their reads can be joined).
  const concurrency = options.concurrency ?? 8;
  const controller = new Controller({
    sources: [source],
    store,
    reconciler,
    clock,
    logger,
    fence,
    resyncMs: options.resyncMs ?? 30_000,
    random: () => resyncRandom.next(),
    resyncGroup: concurrency,
    queue: (handler) => {
      const queue = new WorkQueue({ clock, handler, concurrency, random: nextRandom });
      options.metrics?.watchWorkQueue(() => queue.stats().lanes);
      return queue;
    },
  });
  await controller.start();

  // Between clock steps every due pass runs until it is done, or until all that is left of it
  // waits on the clock (an AWS call in the SDK's retry backoff): waiting for such a pass to end
  // would wait for time that only this loop can move.
  const settle = async (): Promise<void> => {
    await untilSettledOrWaiting(controller.idle(), sim.waits);
  };

  return {
    clock,
    sim,
    store,
    source,
    controller,
    events,
    async advance(ms, { stepMs = 1_000, onStep } = {}) {
      const end = clock.now() + ms;
      await settle();
      while (clock.now() < end) {
        await clock.advanceTo(Math.min(end, clock.now() + stepMs), settle);
        sim.advanceTo(clock.now());
        await onStep?.(clock.now());
      }
    },
    status: (name) => store.getStatus(name),
    async close() {
      // A pass still waiting on the clock ends once time moves on to the end of its wait.
      await driveClock(clock, sim.waits, controller.stop());
      await store.release(lease);
      if (ownSim) await ownSim.close();
    },
  };
}

/** The simulator's own ports, under whatever the options put right on top of them (latency, say). */
function simProviderOf<S extends StageSim>(options: StageOptions<S>, sim: S): CloudProvider {
  return options.wrapSimProvider ? options.wrapSimProvider(sim.provider, sim) : sim.provider;
}

function unpacedStageCloud<S extends StageSim>(options: StageOptions<S>, sim: S): CloudProvider {
  const simProvider = simProviderOf(options, sim);
  const provider = options.batchDescribeServices === false ? simProvider : batchEveryRead(simProvider);
  return options.wrapCloud ? options.wrapCloud(provider, sim) : provider;
}

/** The budget in front of the simulator; its waits are clock waits, as the SDK's retries are. */
function pacedStageCloud<S extends StageSim>(options: StageOptions<S>, sim: S, clock: VirtualClock, logger: Logger): CloudProvider {
  const inner = options.wrapCloud ? options.wrapCloud(simProviderOf(options, sim), sim) : simProviderOf(options, sim);
  const settings = options.callBudget === true ? {} : options.callBudget || {};
  const batched = (p: CloudProvider): CloudProvider => (options.batchDescribeServices === false ? p : batchEveryRead(p));
  const observer = options.metrics?.budgetObserver();
  return paceSimulatedCalls(inner, sim, clock, settings, { ...(observer ? { observer } : {}), logger }, batched);
}
