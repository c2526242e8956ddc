// The blast-radius bench measures keelson against the peers' own mechanisms: these tests hold the
// peers to their documented defaults, keep every configuration valid, and check that a peer run
// does what its mechanism does (a CodeDeploy-style canary takes 10%, then its alarms roll back).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Release } from '../../../src/api/types.js';
import { findProblems } from '../../../src/api/validate.js';
import { loadWorld, parseWorld } from '../../../src/sim/world-loader.js';
import { BAD, deployOffsetMs, runBadDeploy, type BadRevision } from '../../../bench/support/bad-deploy.js';
import { addPeerAlarms, configurePeer, PEER_SETTINGS, PRODUCTION_RULE, type EcsPeer } from '../../../bench/support/ecs-peers.js';
import { argoCanary, flaggerCanary, shippedExample, tunedCanary, tunedRolling } from '../../../bench/support/keelson-configs.js';

const DEMO_WORLD = fileURLToPath(new URL('../../../manifests/sim/world.yaml', import.meta.url));
const FIVE_XX: BadRevision = { id: '5xx', label: '20% 5xx', profile: { startup: '30s', errorRate: 0.2 } };
const P95_DOUBLED: BadRevision = { id: 'p95x2', label: 'p95 doubled', profile: { startup: '30s', latencyMs: { p50: 90, p95: 280, p99: 520 } } };

function weights(release: Release): number[] {
  return (release.spec.strategy.canary?.steps ?? []).flatMap((s) => ('setWeight' in s ? [s.setWeight] : []));
}

describe('the configurations the blast-radius bench deploys', () => {
  it('are valid Releases, the shipped example included', () => {
    for (const release of [tunedCanary(BAD), tunedCanary(BAD, 5), tunedCanary(BAD, 20), tunedRolling(BAD), shippedExample(BAD), flaggerCanary(BAD), argoCanary(BAD)]) {
      expect(findProblems(release), release.metadata.name).toEqual([]);
    }
  });

  it("write Flagger's analysis: 10% steps every minute up to 50%, 99% success and p99 500 ms, rolled back at the 5th failed check", () => {
    const flagger = flaggerCanary(BAD);
    expect(weights(flagger)).toEqual([10, 20, 30, 40, 50, 100]);
    expect(flagger.spec.health?.interval).toBe('1m');
    expect(flagger.spec.health?.conditions?.map((c) => [c.name, c.failFor])).toEqual([
      ['request-success-rate', '4m'],
      ['request-duration', '4m'],
    ]);
    expect(flagger.spec.health?.conditions?.[0]?.metric).toMatchObject({ builtin: 'errorRate', max: 1 });
    expect(flagger.spec.health?.conditions?.[1]?.metric).toMatchObject({ builtin: 'latencyP99', max: '500ms' });
  });

  it("write Argo Rollouts' example: 20/40/60/80% with 10-minute pauses, failing at the 4th failed 5-minute measurement", () => {
    const argo = argoCanary(BAD);
    expect(weights(argo)).toEqual([20, 40, 60, 80, 100]);
    expect(argo.spec.health?.interval).toBe('5m');
    expect(argo.spec.health?.conditions).toEqual([
      { name: 'success-rate', metric: { builtin: 'errorRate', max: 5, window: '5m' }, failFor: '15m' },
    ]);
  });

  it('move only the first weight of the bench-tuned canary', () => {
    expect(weights(tunedCanary(BAD, 5))).toEqual([5, 50, 100]);
    expect(weights(tunedCanary(BAD))).toEqual([10, 50, 100]);
  });
});

describe('the peers that are ECS itself', () => {
  it("keep ECS's documented defaults: CANARY 5% and LINEAR 10% unset, CodeDeploy's canary as 10% for 5 minutes", () => {
    expect(PEER_SETTINGS['ecs-canary']?.canaryConfiguration).toBeUndefined();
    expect(PEER_SETTINGS['ecs-linear']?.linearConfiguration).toBeUndefined();
    expect(PEER_SETTINGS.codedeploy).toMatchObject({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } });
  });

  it("run on worlds the simulator's world checks accept", async () => {
    for (const peer of Object.keys(PEER_SETTINGS) as EcsPeer[]) {
      const world = await loadWorld(DEMO_WORLD);
      world.timeline = [];
      addPeerAlarms(world);
      configurePeer(world, peer);
      expect(() => parseWorld(stringify(world), DEMO_WORLD), peer).not.toThrow();
    }
  });

  it('CodeDeploy-style canary: a 20% 5xx revision gets 10% on the production rule until the green alarm rolls it back', async () => {
    const run = await runBadDeploy({ strategy: 'codedeploy', bad: FIVE_XX, seed: 7, windowMs: 10 * 60_000, stepMs: 5_000 });
    expect(PRODUCTION_RULE).toContain(':listener-rule/');
    expect(run.revertedBy).toContain('aep-backend-green-5xx');
    expect(run.stillServing).toBe(false);
    // 10% of the traffic at most, in every minute (the noise is ±10% of the rate, not of the share).
    expect(Math.max(...run.badSharePerMinute)).toBeGreaterThan(0.05);
    expect(Math.max(...run.badSharePerMinute)).toBeLessThan(0.12);
  });
});

describe('the keelson runs', () => {
  it('the shipped example takes traffic once two release managers approve, and reverts on errors-5xx', async () => {
    const run = await runBadDeploy({ strategy: 'example', bad: FIVE_XX, seed: 7, windowMs: 12 * 60_000, stepMs: 5_000 });
    expect(run.badServed).toBeGreaterThan(0);
    expect(run.revertedBy).toBe('errors-5xx');
    expect(run.stillServing).toBe(false);
  });

  it('the shipped example reverts a revision whose p95 doubled, on latency-p95', async () => {
    const run = await runBadDeploy({ strategy: 'example', bad: P95_DOUBLED, seed: 7, windowMs: 14 * 60_000, stepMs: 5_000 });
    expect(run.badServed).toBeGreaterThan(0);
    expect(run.revertedBy).toBe('latency-p95');
    expect(run.stillServing).toBe(false);
  });

  it('deploy at another second of the minute on each seed, two to three minutes in', () => {
    const offsets = Array.from({ length: 60 }, (_, i) => deployOffsetMs(i + 1));
    expect(new Set(offsets.map((o) => o % 60_000)).size).toBe(60);
    expect(offsets.every((o) => o >= 120_000 && o < 180_000)).toBe(true);
  });
});
