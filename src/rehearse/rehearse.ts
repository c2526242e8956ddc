// A rehearsal: Releases run by the real controller against a simulated world in virtual time,
// with the world's timeline of manifest changes and faults applied. It answers, before a commit,
// "does this Release revert in time when its revision goes bad?"
import pino from 'pino';
import { formatDuration } from '../api/duration.js';
import { parseReleases, type ParsedFile } from '../api/load.js';
import type { HistoryEntry, ReleaseStatus } from '../api/types.js';
import type { RolloutEvent } from '../notify/events.js';
import type { StateStore } from '../store/store.js';
import type { ControllerMetrics } from '../server/metrics.js';
import { requestOperation } from '../server/operations.js';
import type { SimEvent, SimEventKind } from '../sim/events.js';
import { checkWorldReleases } from '../sim/world-loader.js';
import type { SimWorld } from '../sim/world.js';
import { TimelineSource } from '../sources/timeline-source.js';
import { createStage, type Stage } from './stage.js';
import { applyLine, TimelinePlayer } from './timeline.js';

export interface ManifestText {
  file: string;
  text: string;
  /** The text already parsed (parseReleases): a rehearsal then parses nothing again. */
  parsed?: ParsedFile;
}

/** The manifests with their text parsed, once for everything that reads them. */
export function parseManifests(manifests: readonly ManifestText[]): (ManifestText & { parsed: ParsedFile })[] {
  return manifests.map((m) => ({ ...m, parsed: m.parsed ?? parseReleases(m.text, m.file) }));
}

export interface RehearsalOptions {
  world: SimWorld;
  releases: ManifestText[];
  /** How much virtual time to run. */
  untilMs: number;
  /** Virtual time per step; statuses are sampled at each. Default 5s. */
  stepMs?: number;
  http?: boolean;
  /** Called with each line of the timeline as it happens. */
  onLine?: (line: TimelineLine) => void;
  /** Called after each step, e.g. to pace a demo in real time. */
  onStep?: (stage: Stage) => Promise<void> | void;
  /** Called once the stage is up (the demo starts its HTTP API here). */
  onStart?: (stage: Stage) => Promise<void> | void;
  /** Fed by the stage's controller (the demo serves them on /metrics). */
  metrics?: ControllerMetrics;
  /** The state store the stage writes through (the demo's tells its dashboard of every write). */
  store?: StateStore;
  /** Called with the result before the stage closes (the demo keeps it running while someone watches). */
  onEnd?: (stage: Stage, result: RehearsalResult) => Promise<void> | void;
}

export interface TimelineLine {
  at: string;
  /** Virtual time since the start, e.g. `12m30s`. */
  offset: string;
  release: string;
  /** `action`: something a person did on the world's timeline (a hand edit, an operation). */
  kind: 'event' | 'phase' | 'apply' | 'problem' | 'action';
  type: string;
  message: string;
  /** Job events: the job, its task, how it ended and where its logs are. */
  job?: RolloutEvent['job'];
}

export interface RehearsalResult {
  startedAt: string;
  endedAt: string;
  releases: { name: string; status: ReleaseStatus | null; history: HistoryEntry[] }[];
  events: TimelineLine[];
  awsCalls: Record<string, number>;
  /** What happened in the simulated world, in order, with times: the rehearsal's timing, checkable. */
  sim: { events: SimEventLine[] };
}

export interface SimEventLine {
  at: string;
  /** Time since the start, e.g. `12m30s`. */
  offset: string;
  /** Milliseconds since the start. */
  offsetMs: number;
  kind: SimEventKind;
  subject: string;
  detail: string;
  /** call.rejected: how many calls this line stands for. */
  count?: number;
}

/** Task and target transitions are many and told by deployments and health: left out of the report. */
const UNREPORTED: ReadonlySet<SimEventKind> = new Set(['task.started', 'task.stopped', 'target.health']);

export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const manifests = parseManifests(options.releases);
  checkWorldReleases(options.world, manifests.flatMap((m) => m.parsed.releases.flatMap((d) => (d.name ? [d.name] : []))));
  const source = new TimelineSource('rehearsal');
  const stage = await createStage({ world: options.world, source, http: options.http ?? true, ...(options.metrics ? { metrics: options.metrics } : {}), ...(options.store ? { store: options.store } : {}) });
  const start = stage.clock.now();
  const lines: TimelineLine[] = [];
  const emit = (line: Omit<TimelineLine, 'at' | 'offset'>): void => {
    const now = stage.clock.now();
    const full = { at: new Date(now).toISOString(), offset: formatDuration(now - start), ...line };
    lines.push(full);
    options.onLine?.(full);
  };
  try {
    const names = new Set<string>();
    const report = (line: Omit<TimelineLine, 'at' | 'offset'>): void => {
      if (line.kind === 'apply' || line.kind === 'problem') names.add(line.release);
      emit(line);
    };
    for (const m of manifests) for (const item of source.applyParsed(m.parsed)) report(applyLine(item, m.file));
    const operations = { store: stage.store, controller: stage.controller, clock: stage.clock, logger: pino({ level: 'silent' }) };
    const timeline = new TimelinePlayer(options.world, {
      sim: stage.sim,
      source,
      requestOperation: (release, kind, by, revision) => requestOperation(operations, release, kind, by, revision !== undefined ? { revision } : {}),
      knows: (release) => stage.controller.names().includes(release),
      report,
    });
    let seenEvents = 0;
    const phases = new Map<string, string>();
    await options.onStart?.(stage);
    const stepMs = options.stepMs ?? 5_000;
    while (stage.clock.now() - start < options.untilMs) {
      await timeline.playDue(stage.clock.now() - start);
      // Steps end at the next timeline entry, so an action happens at its time, not up to a step late.
      const next = timeline.nextAt;
      const step = next !== undefined && start + next > stage.clock.now() ? Math.min(stepMs, start + next - stage.clock.now()) : stepMs;
      await stage.advance(step, { stepMs: step });
      for (const event of stage.events.slice(seenEvents)) emit(eventLine(event));
      seenEvents = stage.events.length;
      for (const name of [...names].sort()) {
        const status = await stage.status(name);
        // A new line when the phase, the step or the weights change, not for every tick of a pause.
        const key = `${status?.phase}|${status?.currentStepIndex}|${JSON.stringify(status?.weights)}|${status?.rollout?.result ?? ''}`;
        if (status && phases.get(name) !== key) {
          phases.set(name, key);
          emit({ release: name, kind: 'phase', type: status.phase, message: status.message ?? '' });
        }
      }
      await options.onStep?.(stage);
    }
    const releases = [];
    for (const name of [...names].sort()) {
      const status = (await stage.status(name)) ?? null;
      releases.push({ name, status, history: status?.history ?? [] });
    }
    const result: RehearsalResult = {
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(stage.clock.now()).toISOString(),
      releases,
      events: lines,
      awsCalls: { ...stage.sim.calls },
      sim: { events: simEventLines(stage.sim.events, start) },
    };
    await options.onEnd?.(stage, result);
    return result;
  } finally {
    await stage.close();
  }
}

function eventLine(event: RolloutEvent): Omit<TimelineLine, 'at' | 'offset'> {
  return { release: event.release, kind: 'event', type: event.type, message: event.message, ...(event.job ? { job: event.job } : {}) };
}

export function simEventLines(events: readonly SimEvent[], start: number): SimEventLine[] {
  return events
    .filter((e) => !UNREPORTED.has(e.kind))
    .map((e) => ({
      at: new Date(e.at).toISOString(),
      offset: formatDuration(e.at - start),
      offsetMs: e.at - start,
      kind: e.kind,
      subject: e.subject,
      detail: e.detail,
      ...(e.count !== undefined ? { count: e.count } : {}),
    }));
}
