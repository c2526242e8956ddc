// One chaos trial: the world and Releases of a seed, the real controller on a durable state
// folder (killed and restarted at random moments, sharing the simulated AWS), the disturbances
// of the plan at their virtual times, and the checks of checks.ts at every step and at the end.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseStatus } from '../../src/api/types.js';
import { createStage, STAGE_LEASE, type Stage } from '../../src/rehearse/stage.js';
import { settleMicrotasks, VirtualClock } from '../../src/runtime/clock.js';
import { untilSettledOrWaiting } from '../../src/sim/clock-waits.js';
import { Simulator } from '../../src/sim/simulator.js';
import { MemorySource } from '../../src/sources/memory.js';
import { DirStateStore } from '../../src/store/dir-store.js';
import { untilIo } from '../helpers/clock.js';
import { FaultyFileSystem } from '../helpers/faulty-fs.js';
import { killableStore, killAfterWrite, type Kill } from '../scenarios/support/crash.js';
import { extendedDeadline, promoteBoundMs, revertBoundMs, RESTART_MS, STEP_MS, type Window } from './bounds.js';
import { Checks, guardWrites, INVARIANTS, type KeelsonWrite, type Violation } from './checks.js';
import { planTrial, type Disturbance, type RevisionKind } from './plan.js';
import { buildWorld, imageOf, NEW_REVISION, releaseOf, revisionKinds, type Stack } from './world.js';

export interface TrialResult {
  seed: number;
  checks: number;
  violations: Violation[];
  /** Hash of the end state and every check's outcome: the same seed gives the same digest. */
  digest: string;
  virtualS: number;
  wallMs: number;
  /** Per-trial requirements not judged, by why (a person acted, the Release lost a resource...). */
  exempt: Record<string, number>;
}

export interface TrialOptions {
  log?: (line: string) => void;
}

/** Per-task request rate above which a badUnderLoad revision answers 5xx, as a share of the stable per-task rate. */
export const UNDER_LOAD_CAPACITY = 0.35;
const UNDER_LOAD_ERROR_RATE = 0.25;
const AT_100_ERROR_RATE = 0.4;
/** A kill armed after N writes happens anyway this long after it was armed. */
const KILL_FALLBACK_MS = 120_000;
/** Once everything planned has happened, the trial runs this much longer. */
const QUIET_TAIL_MS = 3 * 60_000;

interface RevisionRun {
  n: number;
  kind: RevisionKind;
  appliedAt: number;
  deployedAt?: number;
  turnedBadAt?: number;
  badSince?: number;
  revertedAt?: number;
  promotedAt?: number;
  supersededAt?: number;
}

interface Track {
  stack: Stack;
  kinds: RevisionKind[];
  runs: RevisionRun[];
  /** Times a person acted on this Release (operations, hand edits, manifest changes). */
  personActs: number[];
  personPromotes: number[];
  weightEdits: number[];
  terminalAt?: number;
  deleted: boolean;
  everDeleted: boolean;
  status?: ReleaseStatus;
  seenFinished: Set<string>;
  /** Release events that legitimately start another deployment: finished rollouts, reverts, people. */
  turns: number[];
  /** A revert began; checked on AWS once its wind-back is over. */
  revertPending: boolean;
  requests: Map<string, number>;
  entryRequests: number;
}

const tempRoot = (): string => (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

export async function runTrial(seed: number, options: TrialOptions = {}): Promise<TrialResult> {
  const wallStart = performance.now();
  const log = options.log ?? (() => undefined);
  const plan = planTrial(seed);
  const { world, stacks } = buildWorld(plan);
  const clock = new VirtualClock(world.start);
  const startedAt = clock.now();
  const elapsedS = (): number => Math.round((clock.now() - startedAt) / 1000);
  const sim = new Simulator({ world, clock, seed, probes: 'in-process' });
  const folder = await mkdtemp(join(tempRoot(), 'keelson-chaos-'));
  const files = new FaultyFileSystem();
  const durable = new DirStateStore({ folder, fs: files });
  const source = new MemorySource('chaos');
  const checks = new Checks(elapsedS);
  const writes: KeelsonWrite[] = [];
  const exempt: Record<string, number> = {};
  const note = (why: string): void => void (exempt[why] = (exempt[why] ?? 0) + 1);
  const tracks: Track[] = stacks.map((stack) => ({
    stack,
    kinds: revisionKinds(plan, stack.plan),
    runs: [],
    personActs: [],
    personPromotes: [],
    weightEdits: [],
    deleted: false,
    everDeleted: false,
    seenFinished: new Set(),
    turns: [],
    revertPending: false,
    requests: new Map(),
    entryRequests: 0,
  }));
  // Windows in which something outside keelson holds it back (see bounds.ts).
  const apiWindows: Window[] = [];
  const storeWindows: Window[] = [];
  const sourceWindows: Window[] = [];
  const restarts: Window[] = [];
  const at = (s: number): number => startedAt + s * 1000;
  for (const d of plan.disturbances) {
    if (d.kind === 'apiFault') apiWindows.push([at(d.atS), at(d.atS + d.forS)]);
    if (d.kind === 'storeDown') storeWindows.push([at(d.atS), at(d.atS + d.forS)]);
    if (d.kind === 'sourceDown') sourceWindows.push([at(d.atS), at(d.atS + d.forS)]);
  }

  // ------------------------------------------------------------ the controller, killable
  let kill: Kill = { afterWrite: 0, writes: [], killed: false };
  let killFallbackAt: number | undefined;
  let generation = 0;
  // What the store holds, kept as it is written: the checks read it without touching the disk.
  const written = new Map<string, ReleaseStatus>();
  const mirrored = new Proxy(durable, {
    get(target, key, receiver) {
      if (key === 'putStatus') {
        return async (name: string, status: ReleaseStatus, fence: { lease: string; token: number }) => {
          await target.putStatus(name, status, fence);
          written.set(name, structuredClone(status));
        };
      }
      if (key === 'deleteStatus') {
        return async (name: string, fence: { lease: string; token: number }) => {
          await target.deleteStatus(name, fence);
          written.delete(name);
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const start = async (): Promise<Stage> => {
    const killable = killableStore(mirrored, kill);
    const k = kill;
    return createStage({
      world,
      clock,
      seed: seed + generation,
      sim,
      store: killable.store,
      source,
      holder: `controller-${generation}`,
      // One pass at a time: passes due at the same virtual instant run in a fixed order, so a seed replays.
      concurrency: 1,
      wrapCloud: (cloud) => killAfterWrite(k)(guardWrites({ sim, stacks, checks, writes })(cloud)),
    });
  };
  let stage: Stage | undefined = await start();
  const settle = async (): Promise<void> => {
    for (let quiet = 0; quiet < 2; ) {
      await settleMicrotasks(3);
      await untilIo(() => files.inFlight === 0);
      // A pass in the SDK's retry backoff waits on the clock: settled once it is only waiting.
      if (stage) await untilSettledOrWaiting(stage.controller.idle(), sim.waits);
      quiet = files.inFlight === 0 ? quiet + 1 : 0;
    }
  };
  const restart = async (): Promise<void> => {
    if (stage) {
      // The dead controller's lease is let go so its successor takes it at once (crash.ts does the same).
      await stage.close().catch(() => undefined);
      stage = undefined;
      restarts.push([clock.now(), clock.now() + RESTART_MS]);
      log(`${elapsedS()}s controller killed (after ${kill.writes.length} writes)`);
    }
    generation += 1;
    kill = { afterWrite: 0, writes: [], killed: false };
    try {
      // A dead controller's lease runs out (the stage's lease is long): its successor must not wait for it.
      const held = await durable.read(STAGE_LEASE);
      if (held) await durable.release(held);
    } catch {
      // The state folder cannot be written yet: tried again at the next step.
    }
    killFallbackAt = undefined;
    try {
      stage = await start();
      log(`${elapsedS()}s controller ${generation} started`);
    } catch {
      // A state folder that cannot be written: the process keeps trying to start.
      stage = undefined;
    }
  };

  // ------------------------------------------------------------ helpers on the world
  const tdOf = (t: Track, n: number): string | undefined => {
    if (!t.stack.plan.byImage || n === 1) return `${t.stack.family}:${n}`;
    const image = imageOf(t.stack.family, n);
    return writes.find((w) => w.registered?.image === image)?.registered?.taskDefinition;
  };
  const currentRun = (t: Track): RevisionRun | undefined => t.runs.at(-1);
  const newColour = (t: Track): 'blue' | 'green' => {
    const rollout = t.status?.rollout;
    if (rollout?.colour) return rollout.colour;
    return t.status?.stableColour === 'green' ? 'blue' : 'green';
  };
  const stableColour = (t: Track): 'blue' | 'green' => (newColour(t) === 'blue' ? 'green' : 'blue');
  const applyRevision = (t: Track, n: number): void => {
    const run = currentRun(t);
    if (run && run.promotedAt === undefined && run.revertedAt === undefined) run.supersededAt = clock.now();
    t.runs.push({ n, kind: t.kinds[n - 1] ?? 'good', appliedAt: clock.now() });
    source.apply(releaseOf(t.stack, n));
    log(`${elapsedS()}s ${t.stack.plan.name}: revision ${n} (${t.kinds[n - 1]}) applied`);
  };
  const personActed = (t: Track): void => {
    t.personActs.push(clock.now());
    t.turns.push(clock.now());
  };

  // ------------------------------------------------------------ disturbances
  const timed: { at: number; run: () => Promise<void> | void }[] = [];
  const schedule = (when: number, run: () => Promise<void> | void): void => void timed.push({ at: when, run });
  for (const t of tracks) {
    source.apply(releaseOf(t.stack, 1));
    schedule(at(t.stack.plan.applyAtS), () => applyRevision(t, NEW_REVISION));
  }
  let nextRevision = new Map(tracks.map((t) => [t.stack.plan.index, NEW_REVISION + 1]));
  const outages = { source: 0, store: 0 };
  const disturb = async (d: Disturbance): Promise<void> => {
    const t = 'release' in d ? tracks[d.release] : undefined;
    log(`${elapsedS()}s ${d.kind}${t ? ` ${t.stack.plan.name}` : ''} ${JSON.stringify(d)}`);
    switch (d.kind) {
      case 'apiFault':
        sim.outOfBand.addFault({ kind: d.fault, service: d.service, at: `${d.atS}s`, for: `${d.forS}s`, probability: d.probability });
        return;
      // Outages may overlap: each kind heals when the last one ends.
      case 'sourceDown':
        if (outages.source++ === 0) source.setUnavailable('the source is unreachable');
        schedule(at(d.atS + d.forS), () => void (--outages.source === 0 && source.setUnavailable(undefined)));
        return;
      case 'storeDown':
        if (outages.store++ === 0) files.fail(d.code);
        schedule(at(d.atS + d.forS), () => void (--outages.store === 0 && files.heal()));
        return;
      case 'kill':
        if (!stage) return;
        if (d.afterWrites === 0) return restart();
        kill.afterWrite = kill.writes.length + d.afterWrites;
        killFallbackAt = clock.now() + KILL_FALLBACK_MS;
        return;
    }
    if (!t) return;
    const s = t.stack;
    personActed(t);
    try {
      switch (d.kind) {
        case 'targetGroupGone': {
          if (!('blue' in s.targetGroups)) return;
          const gone = s.targetGroups[newColour(t)];
          // A person detaches the colour from the load balancer, then deletes its target group.
          if (s.forward) sim.outOfBand.setWeights(s.forward, [{ targetGroupArn: s.targetGroups[stableColour(t)], weight: 100 }]);
          sim.outOfBand.deleteTargetGroup(gone);
          t.terminalAt ??= clock.now();
          return;
        }
        case 'serviceGone': {
          const svc = 'rolling' in s.services ? s.services.rolling : s.services[newColour(t)];
          sim.outOfBand.deleteService(s.cluster, svc, { force: true });
          t.terminalAt ??= clock.now();
          return;
        }
        case 'handWeights': {
          t.weightEdits.push(clock.now());
          const fresh = newColour(t);
          const w = (c: 'blue' | 'green'): number => (c === fresh ? d.newColourWeight : 100 - d.newColourWeight);
          if ('rolling' in s.services) {
            sim.outOfBand.updateService({ cluster: s.cluster, service: s.services.rolling, taskDefinition: `${s.family}:1` });
          } else if (s.forward && 'blue' in s.targetGroups) {
            const tgs = s.targetGroups;
            sim.outOfBand.setWeights(s.forward, (['blue', 'green'] as const).map((c) => ({ targetGroupArn: tgs[c], weight: w(c) })));
          } else if (s.record && s.setIdentifiers) {
            const ids = s.setIdentifiers;
            sim.outOfBand.setRecordWeights(s.record, (['blue', 'green'] as const).map((c) => ({ setIdentifier: ids[c], weight: w(c) })));
          }
          return;
        }
        case 'handUpdateService': {
          const svc = 'rolling' in s.services ? s.services.rolling : s.services[stableColour(t)];
          sim.outOfBand.updateService({ cluster: s.cluster, service: svc, desiredCount: s.plan.replicas + d.extraTasks });
          return;
        }
        case 'newRevision': {
          const n = nextRevision.get(s.plan.index) as number;
          nextRevision = new Map(nextRevision).set(s.plan.index, n + 1);
          if (!t.deleted) applyRevision(t, n);
          return;
        }
        case 'deleteManifest': {
          if (t.deleted) return;
          source.remove(s.plan.name);
          t.deleted = true;
          t.everDeleted = true;
          schedule(at(d.atS + d.restoreAfterS), () => {
            t.deleted = false;
            personActed(t);
            const run = currentRun(t);
            source.apply(releaseOf(s, run?.n ?? 1));
          });
          return;
        }
        case 'operation': {
          if (d.operation === 'promote') t.personPromotes.push(clock.now());
          await durable.requestOperation({ release: s.plan.name, kind: d.operation, requestedAt: clock.now(), requestedBy: 'chaos' });
          stage?.controller.enqueue(s.plan.name);
          return;
        }
      }
    } catch (err) {
      // AWS refused what the person tried (a target group in use, say), or the state folder was full.
      log(`  refused: ${(err as { code?: string }).code ?? String(err)}`);
    }
  };
  for (const d of plan.disturbances) schedule(at(d.atS), () => disturb(d));
  const lastPlannedAt = Math.max(
    ...tracks.map((t) => at(t.stack.plan.applyAtS)),
    ...plan.disturbances.map((d) => at(d.atS + ('forS' in d ? d.forS : 0) + (d.kind === 'deleteManifest' ? d.restoreAfterS : 0))),
  );

  // ------------------------------------------------------------ every step
  const stepChecks = async (stepStart: number): Promise<void> => {
    const stats = sim.stats;
    const sourceDown = sourceWindows.some(([a, b]) => clock.now() >= a && clock.now() < b);
    for (const t of tracks) {
      const s = t.stack;
      const name = s.plan.name;
      const before = t.status;
      t.status = written.get(name);
      const status = t.status;
      if (options.log && JSON.stringify(before) !== JSON.stringify(status)) log(`${elapsedS()}s ${name} status ${status?.phase} ${JSON.stringify(status?.rollout)} w=${JSON.stringify(status?.weights)} aws=${JSON.stringify(s.forward && sim.inspect.weights(s.forward).map((w) => w.weight))} msg=${status?.message} h=${JSON.stringify(status?.health?.map((x) => [x.name, x.state, x.value, x.checkedAt, x.badSince]))}`);
      const run = currentRun(t);
      const td = run ? tdOf(t, run.n) : undefined;

      // Requests answered by the current revision in this step, and by the whole entry point.
      const served = td ? (stats.byRevision[td]?.requests ?? 0) : 0;
      const servedNow = served - (td ? (t.requests.get(td) ?? 0) : 0);
      if (td) t.requests.set(td, served);
      const entry = stats.byEntryPoint[name]?.requests ?? 0;
      const entryNow = entry - t.entryRequests;
      t.entryRequests = entry;

      // 1. Weights on AWS sum to 100 (people's edits here also sum to 100).
      if (s.forward && 'blue' in s.targetGroups && t.terminalAt === undefined) {
        const total = sim.inspect.weights(s.forward).reduce((sum, w) => sum + w.weight, 0);
        checks.check(total === 100, INVARIANTS.weightsSum, () => `listener/rule weights sum to ${total}`, name);
      }
      if (s.record) {
        const total = sim.inspect.recordWeights(s.record).reduce((sum, w) => sum + w.weight, 0);
        checks.check(total === 100, INVARIANTS.weightsSum, () => `record weights sum to ${total}`, name);
      }

      // 5. A lost source or a deleted manifest never tears anything down.
      if ((sourceDown || t.deleted) && t.terminalAt === undefined && before) {
        // Turning Orphaned during the outage is the failure; one deleted before it stays Orphaned.
        if (sourceDown) checks.check(status?.phase !== 'Orphaned' || before.phase === 'Orphaned', INVARIANTS.sourceLossKeepsSpec, () => 'Orphaned while the source was unreachable', name);
        checks.check(status !== undefined, INVARIANTS.sourceLossKeepsSpec, () => 'status deleted', name);
        const svc = 'rolling' in s.services ? s.services.rolling : s.services[before.stableColour ?? 'blue'];
        const desired = sim.inspect.service(s.cluster, svc).desiredCount;
        checks.check(desired > 0, INVARIANTS.sourceLossKeepsSpec, () => `${svc} scaled to 0 while ${sourceDown ? 'the source was unreachable' : 'the manifest was deleted'}`, name);
      }

      // 9. Stalled on a terminal error: no write for this Release while it stays so.
      if (before?.phase === 'Stalled' && status?.phase === 'Stalled') {
        const made = writes.filter((w) => w.release === s.plan.index && w.at > stepStart && w.changed && w.kind !== 'ecs:RegisterTaskDefinition');
        checks.check(made.length === 0, INVARIANTS.stalledMakesNoWrite, () => `${made.map((w) => w.kind).join(', ')} while Stalled (${status.message ?? ''})`, name);
      }

      if (!run || !status) continue;
      if (run.deployedAt === undefined && td) {
        const deployed = writes.find((w) => w.release === s.plan.index && w.deployed?.taskDefinition === td && w.at >= run.appliedAt);
        if (deployed) run.deployedAt = deployed.at;
      }

      // The moment each kind of bad revision can be seen (bounds.ts measures from it).
      if (run.kind === 'badAt100' && run.turnedBadAt === undefined && td && status.rollout?.revision === td && status.rollout.stepReachedAt && status.rollout.result == null) {
        const full = 'rolling' in s.services || (status.rollout.colour && status.weights?.[status.rollout.colour] === 100);
        if (full) turnBad(run, td, AT_100_ERROR_RATE);
      }
      if (run.kind === 'badUnderLoad' && run.turnedBadAt === undefined && td && servedNow > 0) {
        const svc = 'rolling' in s.services ? s.services.rolling : s.services[newColour(t)];
        const tasks = Math.max(1, sim.inspect.taskCounts(s.cluster, svc).healthyByRevision[td] ?? 0);
        const perTask = servedNow / (STEP_MS / 1000) / tasks;
        if (perTask > UNDER_LOAD_CAPACITY * (s.plan.rps / s.plan.replicas)) turnBad(run, td, UNDER_LOAD_ERROR_RATE);
      }
      if (run.badSince === undefined) {
        // A crash after warm-up is seen from the first task of the revision that exited by itself.
        const crashedSince = run.kind === 'crashAfterWarmup' && td && crashed(s, td) ? stepStart : undefined;
        const since = exposedSince(run, servedNow, entryNow, stepStart, crashedSince);
        if (since !== undefined) {
          run.badSince = since;
          log(`${elapsedS()}s ${name}: revision ${run.n} (${run.kind}) exposed`);
        }
      }

      // What finished since the last step.
      for (const h of status.history ?? []) {
        const key = `${h.revision}|${h.result}|${h.finishedAt}`;
        if (t.seenFinished.has(key)) continue;
        t.seenFinished.add(key);
        t.turns.push(Date.parse(h.finishedAt));
        const which = t.runs.find((r) => tdOf(t, r.n) === h.revision);
        if (h.result === 'Promoted' && which) {
          which.promotedAt ??= Date.parse(h.finishedAt);
          promoted(t, which, h.revision);
        }
      }
      // The history entry is written when the wind-back begins; AWS is judged once it is over.
      if (t.revertPending && !status.rollout) {
        t.revertPending = false;
        reverted(t);
      } else if (t.revertPending && status.rollout && status.rollout.result !== 'Reverted') {
        // A retry or a newer revision took over before the wind-back was over: that rollout is judged instead.
        t.revertPending = false;
        note('revert not checked on AWS: a new rollout began before its wind-back was over');
      }
      if (status.lastRevert) {
        const which = t.runs.find((r) => tdOf(t, r.n) === status.lastRevert?.revision);
        const revertedAt = Date.parse(status.lastRevert.revertedAt);
        if (which && which.revertedAt === undefined) {
          which.revertedAt = revertedAt;
          t.turns.push(revertedAt);
          t.revertPending = true;
          log(`${elapsedS()}s ${name}: revision ${which.n} reverted (${status.lastRevert.condition})`);
        }
      }
    }
  };
  const turnBad = (run: RevisionRun, td: string, errorRate: number): void => {
    run.turnedBadAt = clock.now();
    sim.outOfBand.addFault({ kind: 'revisionTurnsBad', taskDefinition: td, at: `${Math.round((clock.now() - startedAt) / 1000)}s`, errorRate });
    log(`${elapsedS()}s ${td} turns bad (${run.kind})`);
  };
  const crashed = (s: Stack, td: string): boolean =>
    Object.values(s.services).some((svc) => sim.inspect.tasks(s.cluster, svc).some((task) => task.taskDefinition.endsWith(`/${td}`) && task.stopCode === 'EssentialContainerExited'));
  const exposedSince = (run: RevisionRun, servedNow: number, entryNow: number, stepStart: number, crashedSince: number | undefined): number | undefined => {
    switch (run.kind) {
      case 'good':
        return undefined;
      case 'crashOnStart':
        return run.deployedAt;
      case 'crashAfterWarmup':
        return crashedSince;
      case 'notReady':
        return entryNow > 0 && servedNow >= 0.99 * entryNow ? stepStart : undefined;
      case 'badAt100':
      case 'badUnderLoad':
        return run.turnedBadAt !== undefined && servedNow > 0 ? Math.max(stepStart, run.turnedBadAt) : undefined;
      default:
        return servedNow > 0 ? stepStart : undefined;
    }
  };
  const promoted = (t: Track, run: RevisionRun, td: string): void => {
    const name = t.stack.plan.name;
    const byPerson = t.personPromotes.some((p) => p >= run.appliedAt);
    log(`${elapsedS()}s ${name}: revision ${run.n} promoted${byPerson ? ' (a person promoted)' : ''}`);
    if (byPerson) return note('promoted by a person: no-data and bad-promotion checks skipped');
    // 8. Promoted only on data: the metric conditions need requests to the new revision.
    const requests = sim.stats.byRevision[td]?.requests ?? 0;
    checks.check(requests > 0, INVARIANTS.noForwardOnNoData, () => `${td} promoted with 0 requests${t.stack.plan.quiet ? ' (no traffic at all)' : ''}`, name);
    // Bad once its badness could be seen before the promotion (a crash after warm-up may come later).
    const badBefore = run.kind !== 'good' && run.badSince !== undefined && run.badSince < (run.promotedAt ?? clock.now());
    checks.check(!badBefore, INVARIANTS.badNeverPromoted, () => `${td} (${run.kind}) promoted`, name);
  };
  const reverted = (t: Track): void => {
    // 3. Reverted: 100% on the stable colour (unless a person has edited the weights since).
    const s = t.stack;
    const status = t.status;
    if (!status || t.terminalAt !== undefined || t.weightEdits.some((w) => w > clock.now() - 10 * 60_000)) return note('revert not checked on AWS: a person edited weights or a resource is gone');
    if ('rolling' in s.services) {
      const svc = s.services.rolling;
      const td = sim.inspect.service(s.cluster, svc).taskDefinition.split('/').pop();
      checks.check(td === status.stableRevision, INVARIANTS.revertEndsOnStable, () => `${svc} runs ${td}, stable is ${status.stableRevision}`, s.plan.name);
      return;
    }
    const stable = status.stableColour ?? 'blue';
    const onStable = awsWeightOn(s, stable);
    if (!checks.check(onStable === 100, INVARIANTS.revertEndsOnStable, () => `reverted, but ${onStable}% on the stable colour ${stable}`, s.plan.name)) log(JSON.stringify({ status, aws: s.forward && sim.inspect.weights(s.forward) }));
  };
  const awsWeightOn = (s: Stack, colour: 'blue' | 'green'): number => {
    if (s.forward && 'blue' in s.targetGroups) {
      const tg = s.targetGroups[colour];
      return sim.inspect.weights(s.forward).find((w) => w.targetGroupArn === tg)?.weight ?? 0;
    }
    if (s.record && s.setIdentifiers) {
      const id = s.setIdentifiers[colour];
      return sim.inspect.recordWeights(s.record).find((w) => w.setIdentifier === id)?.weight ?? 0;
    }
    return 100;
  };

  // ------------------------------------------------------------ the run
  const pendingUntil = (): number => {
    let until = 0;
    for (const t of tracks) for (const run of t.runs) until = Math.max(until, deadlineOf(t, run) ?? 0);
    return until;
  };
  const deadlineOf = (t: Track, run: RevisionRun): number | undefined => {
    if (run.kind !== 'good' && run.badSince !== undefined) return extendedDeadline(run.badSince, revertBoundMs(t.stack.plan, run.kind), [...apiWindows, ...storeWindows, ...restarts]);
    if (run.kind === 'good') return extendedDeadline(run.appliedAt, promoteBoundMs(t.stack.plan), [...apiWindows, ...storeWindows, ...sourceWindows, ...restarts]);
    return undefined;
  };
  const maxEnd = startedAt + plan.maxDurationS * 1000;
  try {
    while (clock.now() < maxEnd) {
      const stepStart = clock.now();
      const target = stepStart + STEP_MS;
      await clock.advanceTo(target, settle);
      sim.advanceTo(clock.now());
      if (kill.killed || (killFallbackAt !== undefined && clock.now() >= killFallbackAt) || !stage) await restart();
      timed.sort((a, b) => a.at - b.at);
      while (timed.length > 0 && (timed[0] as { at: number }).at <= clock.now()) await (timed.shift() as { run: () => Promise<void> | void }).run();
      await settle();
      await stepChecks(stepStart);
      const quiet = tracks.every((t) => !t.status?.rollout || t.terminalAt !== undefined || t.deleted);
      if (clock.now() >= lastPlannedAt + QUIET_TAIL_MS && quiet && clock.now() >= Math.min(pendingUntil(), maxEnd)) break;
    }
    finalChecks();
  } finally {
    await stage?.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }

  function finalChecks(): void {
    const end = clock.now();
    for (const t of tracks) {
      const name = t.stack.plan.name;
      for (const run of t.runs) {
        const who = `revision ${run.n} (${run.kind})`;
        const deadline = deadlineOf(t, run);
        const acted = (from: number, to: number): boolean => t.personActs.some((a) => a >= from && a <= to);
        if (run.kind !== 'good') {
          if (run.badSince === undefined) continue;
          if (run.promotedAt !== undefined && run.promotedAt <= run.badSince) { note('bad revision turned bad after its promotion'); continue; }
          if (run.supersededAt !== undefined && run.supersededAt <= (deadline ?? end)) { note('bad revision superseded before its bound'); continue; }
          if (t.terminalAt !== undefined && t.terminalAt <= (deadline ?? end)) { note('bad revision: a resource was deleted'); continue; }
          if (t.everDeleted || acted(run.appliedAt, deadline ?? end)) { note('bad revision: a person acted'); continue; }
          if (run.promotedAt !== undefined && t.personPromotes.some((p) => p >= run.appliedAt)) { note('bad revision promoted by a person'); continue; }
          if (deadline === undefined || deadline > end) { note('bad revision: trial ended before its bound'); continue; }
          checks.check(run.revertedAt !== undefined && run.revertedAt <= deadline, INVARIANTS.badReverted, () =>
            `${who}: seen from ${Math.round((run.badSince as number - startedAt) / 1000)}s, bound ${Math.round((deadline - (run.badSince as number)) / 1000)}s, ${run.revertedAt === undefined ? 'never reverted' : `reverted at ${Math.round((run.revertedAt - startedAt) / 1000)}s`}`, name);
          continue;
        }
        // A good revision.
        if (run.revertedAt !== undefined) {
          if (t.terminalAt !== undefined || t.everDeleted || acted(run.appliedAt, run.revertedAt)) note('good revision reverted after a person acted or a resource went');
          else checks.check(false, INVARIANTS.goodNotReverted, () => `${who} reverted at ${Math.round((run.revertedAt as number - startedAt) / 1000)}s: ${t.status?.lastRevert?.condition ?? ''}`, name);
          continue;
        }
        if (t.stack.plan.quiet) { note('good revision without traffic: never promoted on its own'); continue; }
        if (run.supersededAt !== undefined && run.supersededAt <= (deadline ?? end)) { note('good revision superseded'); continue; }
        if (t.terminalAt !== undefined || t.everDeleted || acted(run.appliedAt, deadline ?? end)) { note('good revision: a person acted or a resource went'); continue; }
        if (deadline === undefined || deadline > end) { note('good revision: trial ended before its bound'); continue; }
        checks.check(run.promotedAt !== undefined && run.promotedAt <= deadline, INVARIANTS.goodPromoted, () =>
          `${who}: applied at ${Math.round((run.appliedAt - startedAt) / 1000)}s, bound ${Math.round((deadline - run.appliedAt) / 1000)}s, ${run.promotedAt === undefined ? `not promoted (${t.status?.phase}: ${t.status?.message ?? ''})` : `promoted at ${Math.round((run.promotedAt - startedAt) / 1000)}s`}`, name);
      }
      settledChecks(t);
      duplicateChecks(t);
    }
  }

  function settledChecks(t: Track): void {
    const s = t.stack;
    const status = t.status;
    if (!status || status.phase !== 'Healthy' || status.rollout || t.terminalAt !== undefined || t.deleted) return;
    if (t.weightEdits.length > 0 && status.conditions?.some((c) => c.type === 'Drifted')) return;
    const stable = status.stableRevision;
    const svc = 'rolling' in s.services ? s.services.rolling : s.services[status.stableColour ?? 'blue'];
    const described = sim.inspect.service(s.cluster, svc);
    const td = described.taskDefinition.split('/').pop();
    checks.check(td === stable && described.desiredCount === s.plan.replicas, INVARIANTS.settledMatchesStatus, () => `${svc} runs ${td} × ${described.desiredCount}, status says ${stable} × ${s.plan.replicas}`, s.plan.name);
    if (!('rolling' in s.services)) {
      const on = awsWeightOn(s, status.stableColour ?? 'blue');
      checks.check(on === 100, INVARIANTS.settledMatchesStatus, () => `Healthy, but ${on}% on the stable colour ${status.stableColour}`, s.plan.name);
    }
  }

  function duplicateChecks(t: Track): void {
    // 4. A deployment of a revision on a service starts once per rollout; a restart never starts another.
    const mine = writes.filter((w) => w.release === t.stack.plan.index);
    const deployments = mine.filter((w) => w.deployed);
    deployments.forEach((w, i) => {
      const earlier = deployments.slice(0, i).reverse().find((e) => e.deployed?.service === w.deployed?.service);
      const twice = earlier?.deployed?.taskDefinition === w.deployed?.taskDefinition && !t.turns.some((x) => x > (earlier?.at ?? 0) && x <= w.at);
      checks.check(!twice, INVARIANTS.noDuplicateDeployment, () => `${w.deployed?.service}: ${w.deployed?.taskDefinition} deployed again at ${Math.round((w.at - startedAt) / 1000)}s`, t.stack.plan.name);
    });
    const registered = new Map<string, number>();
    for (const w of mine.filter((x) => x.registered)) registered.set(w.registered?.image as string, (registered.get(w.registered?.image as string) ?? 0) + 1);
    for (const [image, n] of registered) checks.check(n === 1, INVARIANTS.noDuplicateDeployment, () => `${image.split('/').pop()} registered ${n} times`, t.stack.plan.name);
  }

  const digest = createHash('sha256')
    .update(JSON.stringify({ statuses: tracks.map((t) => t.status ?? null), calls: sim.calls, checks: checks.count, violations: checks.violations }))
    .digest('hex')
    .slice(0, 16);
  return { seed, checks: checks.count, violations: checks.violations, digest, virtualS: elapsedS(), wallMs: Math.round(performance.now() - wallStart), exempt };
}
