import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('probes', () => {
  it('answers /healthz with 200 while the process lives', async () => {
    h = await startHarness();
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 with the reason until ready, then 200', async () => {
    h = await startHarness();
    h.readiness = { ready: false, reason: 'not synced yet: git main (cloning)' };
    let res = await fetch(`${h.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'not synced yet: git main (cloning)' });
    h.readiness = { ready: true, reason: '1 source(s) synced, lease held' };
    res = await fetch(`${h.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, reason: '1 source(s) synced, lease held' });
  });
});

describe('/metrics', () => {
  it('serves the Prometheus text format with values that follow status, reconciles and events', async () => {
    h = await startHarness();
    h.metrics.recordStatus('x', { phase: 'Progressing', weights: { blue: 90, green: 10 } });
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    let text = await res.text();
    for (const name of ['keelson_reconciles_total', 'keelson_reconcile_duration_seconds', 'keelson_rollouts_total', 'keelson_traffic_weight_percent', 'keelson_release_phase']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'keelson_traffic_weight_percent{release="x",colour="green"}')).toBe(10);
    expect(sample(text, 'keelson_reconciles_total{result="ok"}')).toBe(0);
    expect(sample(text, 'keelson_rollouts_total{event="promoted"}')).toBe(0);

    h.metrics.recordStatus('x', { phase: 'Healthy', weights: { blue: 50, green: 50 } });
    h.metrics.recordReconcile('ok', 0.05);
    h.metrics.eventSink().emit({ type: 'Promoted', release: 'x', at: h.clock.now(), cluster: 'c', services: [], message: 'promoted' });
    text = await (await fetch(`${h.url}/metrics`)).text();
    expect(sample(text, 'keelson_traffic_weight_percent{release="x",colour="green"}')).toBe(50);
    expect(sample(text, 'keelson_release_phase{release="x",phase="Healthy"}')).toBe(1);
    expect(sample(text, 'keelson_release_phase{release="x",phase="Progressing"}')).toBe(0);
    expect(sample(text, 'keelson_reconciles_total{result="ok"}')).toBe(1);
    expect(sample(text, 'keelson_rollouts_total{event="promoted"}')).toBe(1);
  });

  it('reports the sources of the controller with their sync age at the time of the scrape', async () => {
    h = await startHarness();
    h.sources = [{ description: 'git main', ready: true, lastSyncAt: h.clock.now(), message: 'synced abc' }];
    await h.clock.advance(42_000);
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(sample(text, 'keelson_source_ready{source="git main"}')).toBe(1);
    expect(sample(text, 'keelson_source_sync_age_seconds{source="git main"}')).toBe(42);
  });
});
