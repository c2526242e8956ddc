import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Simulator } from '../../../src/sim/simulator.js';
import { loadWorld } from '../../../src/sim/world-loader.js';

describe('the demo world', () => {
  it('runs steady before its timeline: every stack serves, alarms stay OK, health URLs answer 200', async () => {
    const world = await loadWorld(new URL('../../../manifests/sim/world.yaml', import.meta.url).pathname);
    const clock = new VirtualClock(world.start);
    const sim = new Simulator({ world, clock, probes: 'in-process' });
    await clock.advance(30 * 60_000);
    const stats = sim.stats;
    expect(Object.keys(stats.byEntryPoint)).toEqual(['aep-backend', 'aep-frontend', 'rastup-api', 'web', 'web-staging']);
    for (const [name, tally] of Object.entries(stats.byEntryPoint)) {
      expect(tally.requests, name).toBeGreaterThan(30 * 60 * 25);
      expect(tally.failed / tally.requests, name).toBeLessThan(0.005);
    }
    expect(Object.keys(stats.byRevision)).toEqual(['aep-backend-prod:11', 'aep-frontend-prod:7', 'rastup-api:23', 'web-staging:41', 'web:41']);
    expect(sim.inspect.alarm('aep-backend-5xx')?.state).toBe('OK');
    for (const host of world.endpoints?.map((e) => e.host) ?? []) {
      const answer = await sim.provider(undefined).http.get(`https://${host}/health/ready`, { timeoutMs: 5_000 });
      expect(answer.status, host).toBe(200);
    }
    // Its scheduled ECS throttling is the only fault.
    expect(sim.events.filter((e) => e.kind.startsWith('fault.')).map((e) => e.subject)).toEqual(['throttle ecs:DescribeServices', 'throttle ecs:DescribeServices']);
  });
});
