// Health = measure (I/O, batched) + assess (pure, applies failFor). What the reconciler uses.
import { DEFAULTS } from '../api/defaults.js';
import { parseDuration } from '../api/duration.js';
import type { HealthSpec } from '../api/types.js';

export { assess, failForMs, failingFor, failsAt, summarizeHealth, summarizeHealthList, type AssessOptions } from './assess.js';
export { ECS_TASKS_CONDITION, measureEcsTasks, stoppedWithError, type EcsTasksObservation } from './ecs-signals.js';
export { HEALTH_LIMITS } from './limits.js';
export { conditionKind, conditionThreshold, measure } from './measure.js';
export type { BaselineFigure, ColourTarget, HealthPorts, MeasureTarget, Measurement, Outcome, StoppedTaskEvidence } from './measurement.js';

/** How often a Release's conditions are measured. */
export function healthIntervalMs(health: HealthSpec | undefined): number {
  return parseDuration(health?.interval ?? DEFAULTS.healthInterval);
}
