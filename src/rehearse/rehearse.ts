// A rehearsal: Releases run by the real controller against a simulated world in virtual time,
// with the world's timeline of manifest changes and faults applied. It answers, before a commit,
// "does this Release revert in time when its revision goes bad?"
import { readFile } from 'node:fs/promises';
import { formatDuration, parseDuration } from '../api/duration.js';
import type { HistoryEntry, ReleaseStatus } from '../api/types.js';
import type { RolloutEvent } from '../notify/events.js';
import type { ControllerMetrics } from '../server/metrics.js';
import type { SimWorld } from '../sim/world.js';
import { createStage, type Stage } from './stage.js';

export interface ManifestText {
  file: string;
  text: string;
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
}

export interface TimelineLine {
  at: string;
  /** Virtual time since the start, e.g. `12m30s`. */
  offset: string;
  release: string;
  kind: 'event' | 'phase' | 'apply' | 'problem';
  type: string;
  message: string;
}

export interface RehearsalResult {
  startedAt: string;
  endedAt: string;
  releases: { name: string; status: ReleaseStatus | null; history: HistoryEntry[] }[];
  events: TimelineLine[];
  awsCalls: Record<string, number>;
}

export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const stage = await createStage({ world: options.world, http: options.http ?? true, ...(options.metrics ? { metrics: options.metrics } : {}) });
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
    for (const m of options.releases) applyText(stage, m, emit, names);
    const timeline = [...(options.world.timeline ?? [])].sort((a, b) => parseDuration(a.at) - parseDuration(b.at));
    let seenEvents = 0;
    const phases = new Map<string, string>();
    await options.onStart?.(stage);
    const stepMs = options.stepMs ?? 5_000;
    while (stage.clock.now() - start < options.untilMs) {
      while (timeline[0] && parseDuration(timeline[0].at) <= stage.clock.now() - start) {
        const entry = timeline.shift()!;
        const text = await readFile(entry.path ?? entry.apply, 'utf8');
        applyText(stage, { file: entry.apply, text }, emit, names);
      }
      await stage.advance(stepMs, { stepMs });
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
    return {
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(stage.clock.now()).toISOString(),
      releases,
      events: lines,
      awsCalls: { ...stage.sim.calls },
    };
  } finally {
    await stage.close();
  }
}

function applyText(stage: Stage, manifest: ManifestText, emit: (l: Omit<TimelineLine, 'at' | 'offset'>) => void, names: Set<string>): void {
  for (const item of stage.source.applyText(manifest.text, manifest.file)) {
    names.add(item.name);
    if (item.problems?.length) {
      emit({ release: item.name, kind: 'problem', type: 'Invalid', message: item.problems.map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`).join('; ') });
    } else {
      const revision = item.release?.spec.revision;
      emit({ release: item.name, kind: 'apply', type: 'Applied', message: `${manifest.file} (revision ${revision?.taskDefinition ?? revision?.image?.uri})` });
    }
  }
}

function eventLine(event: RolloutEvent): Omit<TimelineLine, 'at' | 'offset'> {
  return { release: event.release, kind: 'event', type: event.type, message: event.message };
}
