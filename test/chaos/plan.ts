// One chaos trial, drawn from one integer seed: the Releases (strategy, health, steps), what
// their new revision does, and the disturbances (AWS faults, a lost source or state folder,
// people's actions, controller kills) with their virtual times. Everything a trial does comes
// from here, so a seed replays the same trial.
import { Random } from '../../src/sim/random.js';

export type StrategyChoice = 'canary-listener' | 'canary-rule' | 'canary-route53' | 'blueGreen-alb' | 'blueGreen-route53' | 'rolling';
export const STRATEGIES: readonly StrategyChoice[] = ['canary-listener', 'canary-rule', 'canary-route53', 'blueGreen-alb', 'blueGreen-route53', 'rolling'];

/** What the new revision does. */
export type RevisionKind =
  | 'good'
  | 'crashOnStart'
  | 'crashAfterWarmup'
  | 'errors5xx'
  | 'slow'
  | 'notReady'
  /** Good until the new revision serves 100% (or bakes), then 5xx. */
  | 'badAt100'
  /** Good while each task's request rate is below its capacity, 5xx above it (see trial.ts). */
  | 'badUnderLoad';
export const REVISION_KINDS: readonly RevisionKind[] = ['good', 'crashOnStart', 'crashAfterWarmup', 'errors5xx', 'slow', 'notReady', 'badAt100', 'badUnderLoad'];

export interface HealthPlan {
  intervalS: number;
  targetsFailForS: number;
  errorsFailForS: number;
  latencyFailForS: number;
  readyFailForS: number;
}

export interface ReleasePlan {
  index: number;
  name: string;
  strategy: StrategyChoice;
  kind: RevisionKind;
  /** The new revision is given as an image (keelson registers the task definition) rather than family:revision. */
  byImage: boolean;
  replicas: number;
  rps: number;
  /** No traffic at all: metric conditions never have data, so nothing may be promoted on its own. */
  quiet: boolean;
  health: HealthPlan;
  /** Canary steps (canary strategies); blueGreen uses prePromotionS. */
  steps: ({ setWeight: number } | { pauseS: number } | { analysisS: number })[];
  prePromotionS?: number;
  bakeS: number;
  progressDeadlineS: number;
  /** When the new revision is applied, from the start. */
  applyAtS: number;
}

export type Disturbance =
  | { kind: 'apiFault'; atS: number; forS: number; service: 'ecs' | 'elbv2' | 'route53' | 'cloudwatch' | 'autoscaling'; fault: 'throttle' | 'serverError' | 'timeout'; probability: number }
  | { kind: 'targetGroupGone'; atS: number; release: number }
  | { kind: 'serviceGone'; atS: number; release: number }
  | { kind: 'sourceDown'; atS: number; forS: number }
  | { kind: 'storeDown'; atS: number; forS: number; code: 'ENOSPC' | 'EROFS' }
  | { kind: 'handWeights'; atS: number; release: number; newColourWeight: number }
  | { kind: 'handUpdateService'; atS: number; release: number; extraTasks: number }
  | { kind: 'newRevision'; atS: number; release: number; revisionKind: RevisionKind }
  | { kind: 'deleteManifest'; atS: number; release: number; restoreAfterS: number }
  | { kind: 'operation'; atS: number; release: number; operation: 'promote' | 'abort' | 'retry' }
  | { kind: 'kill'; atS: number; afterWrites: number };

export interface TrialPlan {
  seed: number;
  releases: ReleasePlan[];
  disturbances: Disturbance[];
  /** The trial ends at the latest here (virtual seconds from the start). */
  maxDurationS: number;
}

const pick = <T>(r: Random, xs: readonly T[]): T => xs[r.int(xs.length)] as T;
const between = (r: Random, lo: number, hi: number): number => lo + r.int(hi - lo + 1);

const CANARY_STEPS: ReleasePlan['steps'][] = [
  [{ setWeight: 10 }, { pauseS: 60 }, { setWeight: 50 }, { analysisS: 120 }, { setWeight: 100 }],
  [{ setWeight: 20 }, { setWeight: 100 }],
  [{ setWeight: 10 }, { analysisS: 60 }, { setWeight: 100 }],
  [{ setWeight: 25 }, { pauseS: 60 }, { setWeight: 50 }, { pauseS: 60 }, { setWeight: 100 }],
];

function releasePlan(r: Random, index: number): ReleasePlan {
  const strategy = pick(r, STRATEGIES);
  const intervalS = pick(r, [10, 15, 30]);
  const atLeast = (s: number): number => Math.max(s, intervalS);
  return {
    index,
    name: `app-${index}`,
    strategy,
    kind: pick(r, REVISION_KINDS),
    byImage: r.next() < 0.3,
    replicas: between(r, 2, 3),
    rps: between(r, 20, 80),
    quiet: r.next() < 0.08,
    health: {
      intervalS,
      targetsFailForS: atLeast(pick(r, [60, 120])),
      errorsFailForS: atLeast(pick(r, [60, 120])),
      latencyFailForS: atLeast(pick(r, [60, 120])),
      readyFailForS: atLeast(pick(r, [30, 60])),
    },
    steps: structuredClone(pick(r, CANARY_STEPS)),
    ...(r.next() < 0.5 ? { prePromotionS: pick(r, [60, 120]) } : {}),
    bakeS: pick(r, [60, 120, 180]),
    progressDeadlineS: pick(r, [300, 600]),
    applyAtS: between(r, 60, 180),
  };
}

function disturbance(r: Random, releases: number): Disturbance {
  const atS = between(r, 90, 1_200);
  const release = r.int(releases);
  switch (pick(r, ['apiFault', 'apiFault', 'apiFault', 'targetGroupGone', 'serviceGone', 'sourceDown', 'storeDown', 'handWeights', 'handUpdateService', 'newRevision', 'deleteManifest', 'operation', 'operation', 'kill', 'kill', 'kill'] as const)) {
    case 'apiFault':
      return {
        kind: 'apiFault',
        atS,
        forS: between(r, 20, 180),
        service: pick(r, ['ecs', 'elbv2', 'route53', 'cloudwatch', 'autoscaling'] as const),
        fault: pick(r, ['throttle', 'serverError', 'timeout'] as const),
        probability: pick(r, [0.3, 0.7, 1]),
      };
    case 'targetGroupGone':
      return { kind: 'targetGroupGone', atS, release };
    case 'serviceGone':
      return { kind: 'serviceGone', atS, release };
    case 'sourceDown':
      return { kind: 'sourceDown', atS, forS: between(r, 30, 600) };
    case 'storeDown':
      return { kind: 'storeDown', atS, forS: between(r, 20, 240), code: pick(r, ['ENOSPC', 'EROFS'] as const) };
    case 'handWeights':
      return { kind: 'handWeights', atS, release, newColourWeight: pick(r, [0, 50, 100]) };
    case 'handUpdateService':
      return { kind: 'handUpdateService', atS, release, extraTasks: between(r, 1, 2) };
    case 'newRevision':
      return { kind: 'newRevision', atS, release, revisionKind: pick(r, ['good', 'good', 'errors5xx', 'notReady'] as const) };
    case 'deleteManifest':
      return { kind: 'deleteManifest', atS, release, restoreAfterS: between(r, 30, 600) };
    case 'operation':
      return { kind: 'operation', atS, release, operation: pick(r, ['promote', 'abort', 'retry'] as const) };
    case 'kill':
      return { kind: 'kill', atS, afterWrites: between(r, 0, 3) };
  }
}

export function planTrial(seed: number): TrialPlan {
  const r = new Random(seed * 2_654_435_761 + 1);
  const releases = Array.from({ length: between(r, 1, 6) }, (_, i) => releasePlan(r, i));
  const disturbances = Array.from({ length: between(r, 0, 6) }, () => disturbance(r, releases.length)).sort((a, b) => a.atS - b.atS);
  return { seed, releases, disturbances, maxDurationS: 40 * 60 };
}
