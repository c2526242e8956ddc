// The same world gives the same outcome in virtual time and on the wall clock: a bad canary and
// a good one (promoted by a person on the world's timeline), rehearsed with `keelson rehearse`
// and run by `keelson run --cloud sim:WORLD --speed 60` as a real process. Outcomes are compared,
// never timings: the run may be slowed by a loaded machine, the outcome may not change.
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import type { RehearsalResult } from '../../src/rehearse/rehearse.js';
import { keelson, ROOT, start, tempFolder, type Running } from './support/keelson.js';

const WORLD = join(ROOT, 'test/fixtures/sim/equivalence/world.yaml');
const RELEASES = join(ROOT, 'test/fixtures/sim/equivalence/releases');
/** Fast enough for a short test, slow enough that a pass taking 100 ms of a busy CPU is 6 s of the world. */
const SPEED = 60;
const RUN_LIMIT_MS = 40_000;

interface Outcome {
  phase: string | undefined;
  stableRevision: string | null | undefined;
  blockedRevision: string | null | undefined;
  weights: unknown;
  history: [string, string][];
}

const outcome = (status: ReleaseStatus | null | undefined): Outcome => ({
  phase: status?.phase,
  stableRevision: status?.stableRevision,
  blockedRevision: status?.blockedRevision ?? null,
  weights: status?.weights,
  history: (status?.history ?? []).map((h) => [h.revision, h.result]),
});

const finished = (s: { phase: string } | undefined): boolean => s !== undefined && ['Healthy', 'Degraded', 'Aborted', 'Stalled', 'Invalid'].includes(s.phase);

interface LogLine {
  msg: string;
  port?: number;
  release?: string;
  action?: { kind: string; weights?: { blue: number; green: number } };
}
const parseLog = (line: string): LogLine | undefined => {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
};

async function rehearsed(): Promise<RehearsalResult> {
  const { stdout } = await keelson(['rehearse', '--world', WORLD, '--releases', RELEASES, '--until', '12m', '-o', 'json'], ROOT);
  return JSON.parse(stdout) as RehearsalResult;
}

describe('a simulated world run on the wall clock ends as its rehearsal does', () => {
  let running: Running | undefined;
  let remove: (() => Promise<void>) | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    await remove?.();
  });

  it('reverts the bad canary at its first step and promotes the good one after the timeline\'s promote, in both', async () => {
    const folder = await tempFolder();
    remove = folder.remove;
    await mkdir(join(folder.dir, 'releases'));
    await cp(RELEASES, join(folder.dir, 'releases'), { recursive: true });
    const rehearsal = rehearsed();
    running = start(['run', '--source', `dir:${join(folder.dir, 'releases')}`, '--state', `dir:${join(folder.dir, 'state')}`, '--cloud', `sim:${WORLD}`, '--speed', String(SPEED), '--port', '0'], folder.dir);
    const base = `http://127.0.0.1:${parseLog(await running.line((l) => parseLog(l)?.msg === 'keelson running'))!.port}`;

    // Run until both rollouts are over (or the limit: then the comparison says what differs).
    type Listing = { releases: { name: string; phase: string }[] };
    const deadline = Date.now() + RUN_LIMIT_MS;
    for (;;) {
      const listing = (await (await fetch(`${base}/api/v1/releases`)).json()) as Listing;
      const done = ['orders', 'payments'].every((name) => finished(listing.releases.find((r) => r.name === name)));
      if (done || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const live: Record<string, Outcome> = {};
    for (const name of ['orders', 'payments']) {
      const detail = (await (await fetch(`${base}/api/v1/releases/${name}`)).json()) as { status: ReleaseStatus };
      live[name] = outcome(detail.status);
    }

    const virtual = await rehearsal;
    const expected = Object.fromEntries(virtual.releases.map((r) => [r.name, outcome(r.status)]));
    // What the rehearsal decided, stated once so that a change in it is seen too.
    expect(expected).toEqual({
      orders: { phase: 'Degraded', stableRevision: 'orders:1', blockedRevision: 'orders:2', weights: { blue: 100, green: 0 }, history: [['orders:2', 'Reverted']] },
      payments: { phase: 'Healthy', stableRevision: 'payments:2', blockedRevision: null, weights: { blue: 0, green: 100 }, history: [['payments:2', 'Promoted']] },
    });
    expect(live).toEqual(expected);

    // The bad canary never got past 10%, in real time as in virtual time.
    const greenWeights = running
      .stdout()
      .split('\n')
      .map(parseLog)
      .filter((l) => l?.release === 'orders' && l.action?.kind === 'setWeights')
      .map((l) => l!.action!.weights!.green);
    expect(greenWeights).toEqual([10, 0]);
    const ordersListener = virtual.sim.events.filter((e) => e.kind === 'weights.changed' && e.subject.endsWith('/2222222222222222'));
    expect(ordersListener.map((e) => e.detail)).toEqual(['orders-blue=90 orders-green=10', 'orders-blue=100 orders-green=0']);

    // The person on the timeline, in both: alice's promote went through the operations path.
    expect(running.stdout()).toContain('"msg":"promote requested by alice"');
    expect(virtual.events).toContainEqual(expect.objectContaining({ release: 'payments', kind: 'action', type: 'Operation', offset: '3m' }));
    expect(virtual.sim.events).toContainEqual(expect.objectContaining({ kind: 'operator.action', subject: 'alice', detail: 'keelson promote payments', offset: '3m' }));
  });
});
