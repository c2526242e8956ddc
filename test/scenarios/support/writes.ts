// The AWS writes a scenario made, as the simulator counted them: refusals are proved by zero.
import type { Simulator } from '../../../src/sim/simulator.js';

const WRITE_CALLS = [
  'ecs:UpdateService',
  'ecs:RegisterTaskDefinition',
  'ecs:RunTask',
  'elbv2:ModifyListener',
  'elbv2:ModifyRule',
  'route53:ChangeResourceRecordSets',
] as const;

/** Write calls so far, by `service:Operation`, attempted or not (a rejected write counts too). */
export function writeCalls(sim: Simulator): Record<string, number> {
  return Object.fromEntries(WRITE_CALLS.map((call) => [call, sim.calls[call] ?? 0]));
}

/** Write calls made since `before` (a snapshot from writeCalls), only those that happened. */
export function writesSince(sim: Simulator, before: Record<string, number>): Record<string, number> {
  const now = writeCalls(sim);
  return Object.fromEntries(Object.entries(now).filter(([call, n]) => n > (before[call] ?? 0)).map(([call, n]) => [call, n - (before[call] ?? 0)]));
}
