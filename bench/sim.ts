// How fast the simulated AWS runs: one simulated hour of a generated 20-service world (ten
// blue/green pairs behind ALB listeners, 4 tasks each, 100 requests/s per entry point), with a
// rollout every three minutes and a controller-like describe pass every 15 seconds.

import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../src/runtime/clock.js';
import { Simulator } from '../src/sim/simulator.js';
import type { SimWorld } from '../src/sim/world.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const PAIRS = 10;
const HOUR = 3_600_000;

export function generatedWorld(pairs = PAIRS): SimWorld {
  const world: SimWorld = { seed: 1, clusters: ['bench'], taskDefinitions: [], services: [], targetGroups: [], listeners: [], traffic: [] };
  for (let i = 0; i < pairs; i++) {
    const hex = i.toString(16).padStart(16, '0');
    const family = `svc-${i}`;
    for (const revision of [1, 2, 3]) {
      world.taskDefinitions.push({
        family,
        revision,
        containers: [{ name: 'app', image: `registry.example/${family}:${revision}` }],
        profile: { startup: '20s', errorRate: revision === 3 ? 0.2 : 0.001, latencyMs: { p50: 40 + i, p95: 120 + i, p99: 250 + i } },
      });
    }
    const tg = (colour: string): string => `${ELB}:targetgroup/${family}-${colour}/${hex}`;
    for (const colour of ['blue', 'green']) {
      // AWS defaults: 30s health checks, 300s deregistration delay.
      world.targetGroups.push({ arn: tg(colour) });
      world.services.push({ cluster: 'bench', name: `${family}-${colour}`, taskDefinition: `${family}:1`, desiredCount: 4, targetGroup: tg(colour) });
    }
    const listenerArn = `${ELB}:listener/app/${family}-alb/${hex}/${hex}`;
    world.listeners?.push({ arn: listenerArn, forward: [{ targetGroupArn: tg('blue'), weight: 90 }, { targetGroupArn: tg('green'), weight: 10 }] });
    world.traffic?.push({ name: family, listenerArn, rps: 100, noise: 0.1 });
  }
  return world;
}

/** Wall seconds to simulate `ms` of a world of `pairs` blue/green pairs with no calls at all. */
async function quietRun(pairs: number, ms: number): Promise<number> {
  const clock = new VirtualClock('2026-01-01T00:00:00Z');
  const sim = new Simulator({ world: generatedWorld(pairs), clock });
  const started = performance.now();
  await clock.advance(ms);
  sim.advanceTo(clock.now());
  return (performance.now() - started) / 1000;
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const world = generatedWorld();
  const clock = new VirtualClock('2026-01-01T00:00:00Z');
  const sim = new Simulator({ world, clock });
  const ports = sim.provider(undefined);
  const names = world.services.map((s) => s.name);
  const started = performance.now();
  for (let t = 15_000, rollout = 0; t <= HOUR; t += 15_000) {
    await clock.advanceTo(sim.startedAt + t);
    await ports.ecs.describeServices('bench', names);
    if (t % 180_000 === 0) {
      const pair = rollout % PAIRS;
      const revision = Math.floor(rollout++ / PAIRS) % 2 === 0 ? 3 : 2;
      await ports.ecs.updateService({ cluster: 'bench', service: `svc-${pair}-green`, taskDefinition: `svc-${pair}:${revision}` });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const ticks = HOUR / 1000;
  const stats = sim.stats;
  const largeSeconds = await quietRun(200, 10 * 60_000);
  const markdown = [
    `One simulated hour (${ticks} one-second ticks) of a generated world: ${world.services.length} ECS services (${PAIRS} blue/green pairs, 4 tasks each),`,
    `${PAIRS} ALB listeners at 100 requests/s each, a rollout every 3 minutes and a DescribeServices pass every 15 s.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| wall time | ${seconds.toFixed(2)} s |`,
    `| ticks per second | ${Math.round(ticks / seconds).toLocaleString('en-US')} |`,
    `| simulated hours per wall minute | ${(60 / seconds).toFixed(0)} |`,
    `| requests simulated | ${stats.total.requests.toLocaleString('en-US')} (${stats.total.failed.toLocaleString('en-US')} failed) |`,
    `| events logged | ${sim.events.length.toLocaleString('en-US')} |`,
    `| ECS calls counted | ${(sim.calls['ecs:DescribeServices'] ?? 0) + (sim.calls['ecs:UpdateService'] ?? 0)} |`,
    `| larger world: 400 services, 1,600 tasks, 20,000 requests/s, 10 simulated minutes | ${largeSeconds.toFixed(2)} s (${((largeSeconds * 1000) / 600).toFixed(1)} ms per tick) |`,
    '',
    `Measured with performance.now() around the run, Node ${process.version}, one process, after the world was built.`,
  ].join('\n');
  await sim.close();
  return { title: 'Simulator speed', markdown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
