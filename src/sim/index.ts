// The simulated AWS: what the CLI, rehearsals, scenario tests and benchmarks use.
export { Simulator, type SimulatorOptions } from './simulator.js';
export { loadWorld, parseWorld, WorldError } from './world-loader.js';
export { circuitBreakerThreshold } from './ecs-scheduler.js';
export type { SimEvent, SimEventKind } from './events.js';
export type { Inspector, OutOfBand, ServiceTaskCounts } from './operator.js';
export type { TrafficCounts, TrafficStats, TrafficTally } from './traffic-stats.js';
export type * from './world.js';
