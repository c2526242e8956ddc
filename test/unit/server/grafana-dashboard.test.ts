// The Grafana dashboard shipped in manifests/deploy/ charts only metrics keelson exports, and
// charts every keelson_ metric: a renamed or new metric fails here, not on someone's screen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/server/metrics.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(new URL('../../../manifests/deploy/grafana-dashboard.json', import.meta.url), 'utf8')) as {
  panels: Panel[];
  templating: { list: { name: string; definition?: string }[] };
  annotations: { list: { expr?: string }[] };
};

const exprs = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
  ...dashboard.annotations.list.flatMap((a) => (a.expr ? [a.expr] : [])),
];

/** Metric names in PromQL, histogram series folded into their metric. */
const metricsIn = (expr: string): string[] =>
  [...expr.matchAll(/\b((?:keelson|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => (m[1] ?? '').replace(/_(bucket|sum|count)$/, ''));

async function exported(): Promise<Set<string>> {
  const metrics = new ControllerMetrics({ version: 'test' });
  return new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
}

describe('manifests/deploy/grafana-dashboard.json', () => {
  it('queries only metrics that keelson exports', async () => {
    const names = await exported();
    const used = new Set(exprs.flatMap(metricsIn));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
  });

  it('charts every keelson_ metric', async () => {
    const used = new Set(exprs.flatMap(metricsIn));
    expect([...(await exported())].filter((n) => n.startsWith('keelson_') && !used.has(n))).toEqual([]);
  });

  it('gives every chart a title and a query, and unique ids', () => {
    const charts = dashboard.panels.filter((p) => p.type !== 'row');
    for (const p of charts) {
      expect(p.title, JSON.stringify(p)).toBeTruthy();
      expect(p.targets?.length ?? 0, p.title).toBeGreaterThan(0);
    }
    const ids = dashboard.panels.map((p) => (p as Panel & { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
