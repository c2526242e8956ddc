// What a Prometheus scraping a controller would see while a canary walks its steps: the real
// controller and simulator in virtual time, its metrics served over HTTP on loopback, scraped
// between steps.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { aepCanary } from '../scenarios/support/releases.js';
import { demoWorld } from '../scenarios/support/scenario.js';

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    const found = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!found) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (found[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    out.push({ name: found[1]!, labels, value: Number(found[3]) });
  }
  return out;
}

/** One scrape: the value of a series picked by name and some of its labels (undefined when absent). */
class Scrape {
  constructor(
    readonly at: number,
    private readonly series: Series[],
  ) {}

  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const matching = this.series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (matching.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${matching.length} series`);
    return matching[0]?.value;
  }

  green = (): number | undefined => this.value('keelson_traffic_weight_percent', { release: AEP, colour: 'green' });
  phase = (phase: string): number | undefined => this.value('keelson_release_phase', { release: AEP, phase });
  rollouts = (event: string): number | undefined => this.value('keelson_rollouts_total', { event });
  reconcilesOk = (): number | undefined => this.value('keelson_reconciles_total', { result: 'ok' });
}

const AEP = 'aep-backend-prod';

let stage: Stage | undefined;
let server: RunningHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  await stage?.close();
  server = undefined;
  stage = undefined;
});

describe('/metrics during a canary rollout', () => {
  it('follows the weights 0 → 10 → 50 → 100, the phase, the rollout events and the reconciles', async () => {
    const metrics = new ControllerMetrics();
    stage = await createStage({ world: await demoWorld(), metrics });
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      store: stage.store,
      controller: stage.controller,
      metrics,
      clock: stage.clock,
      ready: () => ({ ready: true, reason: 'stage' }),
      logger: pino({ level: 'silent' }),
    });
    const url = `http://127.0.0.1:${server.port}/metrics`;
    const scrape = async (): Promise<Scrape> => {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return new Scrape(stage!.clock.now(), parseExposition(await res.text()));
    };

    // aep-backend-prod:11 already serves on blue in the demo world: taken over, no rollout.
    const before = await scrape();
    expect(before.reconcilesOk()).toBe(0);
    stage.source.apply(aepCanary(`${AEP}:11`));
    await stage.advance(60_000, { stepMs: 5_000 });
    const settled = await scrape();
    expect(settled.phase('Healthy')).toBe(1);
    expect(settled.green()).toBe(0);
    expect(settled.value('keelson_traffic_weight_percent', { release: AEP, colour: 'blue' })).toBe(100);
    expect(settled.rollouts('started')).toBe(0);
    expect(settled.reconcilesOk()).toBeGreaterThan(0);

    // Someone ships :12; a scrape every 15s of virtual time, as Prometheus would.
    stage.source.apply(aepCanary(`${AEP}:12`));
    const scrapes: Scrape[] = [settled];
    const limit = stage.clock.now() + 40 * 60_000;
    while (stage.clock.now() < limit) {
      await stage.advance(15_000, { stepMs: 5_000 });
      const now = await scrape();
      scrapes.push(now);
      if (now.rollouts('promoted') === 1 && now.phase('Healthy') === 1) break;
    }

    const greens = scrapes.map((s) => s.green()).filter((g, i, all) => g !== all[i - 1]);
    expect(greens).toEqual([0, 10, 50, 100]);

    for (const weight of [10, 50]) {
      const mid = scrapes.find((s) => s.green() === weight)!;
      expect(mid.phase('Progressing'), `at ${weight}%`).toBe(1);
      expect(mid.phase('Healthy'), `at ${weight}%`).toBe(0);
      expect(mid.rollouts('started'), `at ${weight}%`).toBe(1);
      expect(mid.rollouts('promoted'), `at ${weight}%`).toBe(0);
    }

    const end = scrapes.at(-1)!;
    expect(end.phase('Healthy')).toBe(1);
    expect(end.phase('Progressing')).toBe(0);
    expect(end.green()).toBe(100);
    expect(end.value('keelson_traffic_weight_percent', { release: AEP, colour: 'blue' })).toBe(0);
    expect(end.rollouts('started')).toBe(1);
    expect(end.rollouts('promoted')).toBe(1);
    expect(end.rollouts('reverted')).toBe(0);
    expect(end.value('keelson_reconciles_total', { result: 'error' })).toBe(0);

    // Every pass is counted: the count never falls and grows across the rollout's stages.
    const oks = scrapes.map((s) => s.reconcilesOk()!);
    expect(oks.every((n, i) => i === 0 || n >= oks[i - 1]!)).toBe(true);
    const at10 = scrapes.find((s) => s.green() === 10)!.reconcilesOk()!;
    const at50 = scrapes.find((s) => s.green() === 50)!.reconcilesOk()!;
    expect(settled.reconcilesOk()!).toBeLessThan(at10);
    expect(at10).toBeLessThan(at50);
    expect(at50).toBeLessThan(end.reconcilesOk()!);
    expect(end.value('keelson_reconcile_duration_seconds_count')).toBe(end.reconcilesOk());
  });
});
