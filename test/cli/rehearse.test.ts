import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { HistoryEntry, ReleaseStatus } from '../../src/api/types.js';
import type { SimEventLine, TimelineLine } from '../../src/rehearse/rehearse.js';
import { keelson, ROOT } from './support/keelson.js';

interface Rehearsal {
  releases: { name: string; status: ReleaseStatus | null; history: HistoryEntry[] }[];
  events: TimelineLine[];
  sim: { events: SimEventLine[] };
}

const AEP_LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/aep-prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2';

/** The demo world rehearsed for 50m as JSON: run once, read by the tests that need it. */
let demoRun: ReturnType<typeof keelson> | undefined;
const demoJson = (): ReturnType<typeof keelson> =>
  (demoRun ??= keelson(['rehearse', '--world', 'manifests/sim/world.yaml', '--releases', 'manifests/examples', '--until', '50m', '-o', 'json'], ROOT));

describe('keelson rehearse (the binary)', () => {
  it('prints the demo world run as JSON: every Release with status and history, the timeline, the bad revision blocked; exits 1 naming it', async () => {
    const { code, stdout, stderr } = await demoJson();
    // The reverted Release fails the rehearsal, as `keelson wait` would fail a pipeline.
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'keelson rehearse: 1 Release did not end stable and healthy:',
      // "for …" counts from the first bad minute: at least failFor (1m), more as CloudWatch publishes late.
      expect.stringMatching(/^ {2}aep-backend-prod: Degraded, aep-backend-prod:13 reverted: errors: \d+(\.\d+)?% > 5% for \dm/),
    ]);
    const result = JSON.parse(stdout) as Rehearsal;

    expect(result.releases.map((r) => r.name)).toEqual(['aep-backend-prod', 'aep-frontend-prod', 'rastup-api-prod', 'web-prod', 'web-staging']);
    for (const r of result.releases) {
      expect(r.status, r.name).not.toBeNull();
      expect(r.history.length, r.name).toBeGreaterThan(0);
    }
    const aep = result.releases.find((r) => r.name === 'aep-backend-prod')!;
    expect(aep.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'aep-backend-prod:13', stableRevision: 'aep-backend-prod:12' });
    expect(aep.history.map((h) => [h.revision, h.result])).toEqual([
      ['aep-backend-prod:13', 'Reverted'],
      ['aep-backend-prod:12', 'Promoted'],
    ]);
    for (const other of result.releases.filter((r) => r.name !== 'aep-backend-prod')) expect(other.status?.phase, other.name).toBe('Healthy');

    expect(result.events.length).toBeGreaterThan(0);
    const aepEvents = result.events.filter((e) => e.release === 'aep-backend-prod' && e.kind === 'event').map((e) => e.type);
    expect(aepEvents).toContain('RolloutStarted');
    expect(aepEvents.indexOf('Promoted')).toBeLessThan(aepEvents.indexOf('Reverted'));
    const reverted = result.events.find((e) => e.type === 'Reverted');
    expect(reverted).toMatchObject({ release: 'aep-backend-prod', offset: expect.stringMatching(/^4\dm/) });
  });

  it('includes the simulated world\'s event log with times, so that the rehearsal\'s timing can be checked', async () => {
    const { stdout } = await demoJson();
    const events = (JSON.parse(stdout) as Rehearsal).sim.events;
    const minutes = (e: SimEventLine): number => e.offsetMs / 60_000;
    expect(events.map((e) => e.offsetMs)).toEqual([...events.map((e) => e.offsetMs)].sort((a, b) => a - b));
    for (const e of events) expect(Date.parse(e.at) - Date.parse('2026-03-02T09:00:00Z')).toBe(e.offsetMs);
    // The aep listener's weights as keelson wrote them: 10 → 50 → 100 to green for :12, then :13 on
    // blue after the timeline's change at 40m, reverted within minutes.
    const aep = events.filter((e) => e.kind === 'weights.changed' && e.subject === AEP_LISTENER).map((e) => [Math.floor(minutes(e)) >= 40, e.detail]);
    expect(aep).toEqual([
      [false, 'aep-backend-blue=90 aep-backend-green=10'],
      [false, 'aep-backend-blue=50 aep-backend-green=50'],
      [false, 'aep-backend-blue=0 aep-backend-green=100'],
      [true, 'aep-backend-blue=10 aep-backend-green=90'],
      [true, 'aep-backend-blue=0 aep-backend-green=100'],
    ]);
    const applied = events.find((e) => e.kind === 'operator.action' && e.detail.startsWith('applied '));
    expect(applied).toMatchObject({ offset: '40m', detail: 'applied releases/aep-backend-prod-v13.yaml' });
    // keelson acts within seconds of the change. Not at once: since the ECS throttling at 20m the
    // SDK's adaptive rate limiter (the retry mode the AWS adapters use) paces a pass's ECS calls.
    const deployed = events.find((e) => e.kind === 'deployment.created' && e.detail.endsWith('aep-backend-prod:13'))?.offsetMs ?? Infinity;
    expect(deployed - (applied?.offsetMs ?? 0)).toBeGreaterThanOrEqual(0);
    expect(deployed - (applied?.offsetMs ?? 0)).toBeLessThan(10_000);
    // Route 53: the change is INSYNC after the world's 30 s propagation, at the first whole second
    // of the world's grid (docs/sim-world.md) once it has passed.
    const changed = events.find((e) => e.kind === 'record.changed');
    const insync = events.find((e) => e.kind === 'record.insync');
    expect(insync!.offsetMs).toBe(Math.ceil((changed!.offsetMs + 30_000) / 1000) * 1000);
    // The minute of ECS throttling at 20m: rejected calls, counted per second, inside the window.
    const rejected = events.filter((e) => e.kind === 'call.rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const e of rejected) {
      expect(e).toMatchObject({ subject: 'ecs:DescribeServices', detail: expect.stringMatching(/^ThrottlingException; /) });
      expect(e.count).toBeGreaterThanOrEqual(1);
      expect(minutes(e)).toBeGreaterThanOrEqual(20);
      expect(minutes(e)).toBeLessThan(21);
    }
    expect(events.filter((e) => e.kind === 'fault.started').map((e) => e.offset)).toEqual(['20m']);
  });

  it('exits 0 when every Release ends stable and healthy', async () => {
    // The demo world without its timeline, whose people act on the other examples.
    const world = parse(await readFile(join(ROOT, 'manifests/sim/world.yaml'), 'utf8')) as Record<string, unknown>;
    delete world.timeline;
    const dir = await mkdtemp(join(tmpdir(), 'keelson-rehearse-'));
    const worldFile = join(dir, 'world.yaml');
    await writeFile(worldFile, stringify(world));
    // web-prod starts once web:42 has been stable in web-staging for 10m, and then takes ~27m.
    const web = ['manifests/examples/web-staging-rolling.yaml', 'manifests/examples/web-route53-blue-green.yaml'];
    const args = ['rehearse', '--world', worldFile, '--releases', ...web, '--until', '50m'];
    const { code, stdout, stderr } = await keelson(args, ROOT);
    await rm(dir, { recursive: true, force: true });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/web-prod +Healthy/);
    expect(stdout).toMatch(/web-staging +Healthy/);
    expect(code).toBe(0);
  });

  it('exits 2 on an output format it does not know, before running anything', async () => {
    const { code, stderr } = await keelson(['rehearse', '--world', 'manifests/sim/world.yaml', '--releases', 'manifests/examples', '-o', 'yaml'], ROOT);
    expect(code).toBe(2);
    expect(stderr).toContain('-o must be text or json (got yaml)');
  });
});
