// Shared by the simulator's tests: fixture worlds (data files) and a simulator on virtual time.
import { readFileSync } from 'node:fs';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Simulator, type SimulatorOptions } from '../../../src/sim/simulator.js';
import { parseWorld } from '../../../src/sim/world-loader.js';
import type { SimWorld } from '../../../src/sim/world.js';

export const START = Date.parse('2026-01-05T10:00:00Z');

export function fixtureWorld(name: string): SimWorld {
  const file = new URL(`../../fixtures/sim/${name}`, import.meta.url).pathname;
  return parseWorld(readFileSync(file, 'utf8'), file);
}

export function simulate(world: SimWorld, seed?: number, options: Pick<SimulatorOptions, 'probes'> = {}): { sim: Simulator; clock: VirtualClock } {
  const clock = new VirtualClock(START);
  const sim = new Simulator({ world, clock, ...options, ...(seed !== undefined ? { seed } : {}) });
  return { sim, clock };
}

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';

/** Names in two-colours.yaml. */
export const SHOP = {
  cluster: 'shop',
  listenerArn: `${ELB}:listener/app/shop-alb/1111111111111111/2222222222222222`,
  ruleArn: `${ELB}:listener-rule/app/shop-alb/1111111111111111/2222222222222222/3333333333333333`,
  blue: `${ELB}:targetgroup/api-blue/00000000000000b1`,
  green: `${ELB}:targetgroup/api-green/00000000000000a2`,
  rolling: `${ELB}:targetgroup/api-rolling/00000000000000c3`,
  dims: {
    loadBalancer: 'app/shop-alb/1111111111111111',
    blue: 'targetgroup/api-blue/00000000000000b1',
    green: 'targetgroup/api-green/00000000000000a2',
  },
} as const;

/** Names in route53.yaml. */
export const WEB = {
  record: { hostedZoneId: 'Z0EXAMPLE0001', recordName: 'www.example.test', recordType: 'A' as const },
} as const;

/** Sets a service's starting task definition in a fixture world. */
export function withRevision(world: SimWorld, service: string, taskDefinition: string): SimWorld {
  const svc = world.services.find((s) => s.name === service);
  if (!svc) throw new Error(`no service ${service} in the fixture`);
  svc.taskDefinition = taskDefinition;
  return world;
}
