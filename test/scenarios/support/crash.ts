// A controller killed right after its Nth AWS write: the write has landed, nothing after it
// happens (no status write, no further call), and a new controller starts on the same state
// folder and the same simulated AWS.
import type { Release, ReleaseStatus } from '../../../src/api/types.js';
import type { CloudPorts, CloudProvider } from '../../../src/cloud/ports.js';
import { createStage, type Stage } from '../../../src/rehearse/stage.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import type { Simulator } from '../../../src/sim/simulator.js';
import type { SimWorld } from '../../../src/sim/world.js';
import { MemorySource } from '../../../src/sources/memory.js';
import type { StateStore } from '../../../src/store/store.js';
import { writeCalls, writesSince } from './writes.js';

export class KilledError extends Error {
  override readonly name = 'KilledError';
  readonly code = 'Killed';
}

/** Which write the kill came after, as `service:Operation`. */
export type WriteKind = 'ecs:UpdateService' | 'ecs:RegisterTaskDefinition' | 'elbv2:Modify' | 'route53:ChangeResourceRecordSets';

export interface Kill {
  /** Kill after this many writes that changed something (1-based); 0: never. */
  afterWrite: number;
  /** Writes so far, in order. */
  writes: WriteKind[];
  killed: boolean;
}

/** Ports that count the writes that changed something and die right after the Nth. */
export function killAfterWrite(kill: Kill): (cloud: CloudProvider) => CloudProvider {
  const alive = (): void => {
    if (kill.killed) throw new KilledError('the controller was killed');
  };
  const wrote = (kind: WriteKind): void => {
    kill.writes.push(kind);
    if (kill.writes.length === kill.afterWrite) {
      kill.killed = true;
      throw new KilledError(`killed right after write ${kill.afterWrite} (${kind})`);
    }
  };
  return (cloud) => (region) => {
    const ports = cloud(region);
    // A dead controller makes no call at all.
    const guard = <T extends object>(port: T): T =>
      new Proxy(port, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            alive();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const wrapped: CloudPorts = {
      ...ports,
      ecs: guard({
        ...ports.ecs,
        updateService: async (input) => {
          const out = await ports.ecs.updateService(input);
          wrote('ecs:UpdateService');
          return out;
        },
        registerTaskDefinitionFrom: async (base, change, tags) => {
          const out = await ports.ecs.registerTaskDefinitionFrom(base, change, tags);
          wrote('ecs:RegisterTaskDefinition');
          return out;
        },
      }),
      lb: guard({
        ...ports.lb,
        setWeights: async (ref, weights) => {
          const out = await ports.lb.setWeights(ref, weights);
          if (out === 'updated') wrote('elbv2:Modify');
          return out;
        },
      }),
      dns: guard({
        ...ports.dns,
        setWeights: async (key, weights) => {
          const out = await ports.dns.setWeights(key, weights);
          if (out.result === 'updated') wrote('route53:ChangeResourceRecordSets');
          return out;
        },
      }),
      metrics: guard(ports.metrics),
      scaling: guard(ports.scaling),
      http: guard(ports.http),
      registry: guard(ports.registry),
    };
    return wrapped;
  };
}

/**
 * The state store of a controller that can be killed: once dead it writes no status. It keeps
 * the status each pass started from, to put back a store that lost the pass's own write.
 */
export function killableStore(store: StateStore, kill: Kill): { store: StateStore; statusBeforePass: Map<string, ReleaseStatus | undefined> } {
  const statusBeforePass = new Map<string, ReleaseStatus | undefined>();
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'putStatus' || key === 'deleteStatus') {
        return (...args: unknown[]) => {
          if (kill.killed) return Promise.reject(new KilledError('the controller was killed'));
          return (Reflect.get(target, key, receiver) as (...a: unknown[]) => Promise<void>).apply(target, args);
        };
      }
      if (key === 'getStatus') {
        return async (name: string) => {
          const status = await target.getStatus(name);
          if (!kill.killed) statusBeforePass.set(name, structuredClone(status));
          return status;
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, statusBeforePass };
}

export interface CrashRun {
  /** Where AWS and status ended. */
  end: unknown;
  /** AWS writes made after the new revision was applied, by `service:Operation`. */
  writes: Record<string, number>;
  /** The kinds of the writes the (first) controller made, in order. */
  writeKinds: WriteKind[];
  killedAfter?: WriteKind;
}

export interface CrashCase {
  world: () => Promise<SimWorld>;
  name: string;
  stable: Release;
  next: Release;
  seed: number;
  /** What AWS and status look like at the end, to compare runs. */
  endState: (sim: Simulator, status: ReleaseStatus | undefined) => unknown;
  done: (status: ReleaseStatus | undefined) => boolean;
  /** Status lost: the store holds what it held when the killed pass began. */
  loseLastStatus?: boolean;
}

const STEP_MS = 5_000;
const LIMIT_MS = 3 * 60 * 60_000;

/** One run: the rollout of `next`, killed after write `afterWrite` (0: never), to its end. */
export async function crashRun(c: CrashCase, folderStore: () => StateStore, afterWrite: number): Promise<CrashRun> {
  const world = await c.world();
  const clock = new VirtualClock(world.start ?? '2026-01-01T00:00:00Z');
  const durable = folderStore();
  const source = new MemorySource('crash');
  const kill: Kill = { afterWrite: 0, writes: [], killed: false };
  const killable = killableStore(durable, kill);
  let stage: Stage = await createStage({
    world,
    clock,
    seed: c.seed,
    store: killable.store,
    source,
    holder: 'controller-a',
    wrapCloud: (cloud) => killAfterWrite(kill)(cloud),
  });
  const sim = stage.sim;
  const stages: Stage[] = [stage];
  try {
    source.apply(c.stable);
    await stage.advance(60_000, { stepMs: STEP_MS });
    const before = writeCalls(sim);
    kill.afterWrite = afterWrite;
    source.apply(c.next);
    let restarted = false;
    const end = clock.now() + LIMIT_MS;
    while (clock.now() < end) {
      await stage.advance(STEP_MS, { stepMs: STEP_MS });
      if (kill.killed && !restarted) {
        restarted = true;
        // The dead controller's lease is let go; its successor takes it with a newer token.
        await stage.close();
        if (c.loseLastStatus) {
          const lost = killable.statusBeforePass.get(c.next.metadata.name);
          const lease = await durable.acquire('restore', 'test', 60_000, clock.now());
          if (lost && lease) await durable.putStatus(c.next.metadata.name, lost, { lease: 'restore', token: lease.token });
        }
        stage = await createStage({ world, clock, seed: c.seed + 1, sim, store: durable, source, holder: 'controller-b' });
        stages.push(stage);
        continue;
      }
      if (c.done(await durable.getStatus(c.next.metadata.name))) break;
    }
    // A little longer: nothing more may happen once done.
    await stage.advance(2 * 60_000, { stepMs: STEP_MS });
    const status = await durable.getStatus(c.next.metadata.name);
    return {
      end: c.endState(sim, status),
      writes: writesSince(sim, before),
      writeKinds: kill.writes,
      ...(kill.killed ? { killedAfter: kill.writes[afterWrite - 1] } : {}),
    };
  } finally {
    for (const s of stages) await s.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
  }
}
