import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../controllers/release/failure.js';
import { NotLeaderError, type DesiredRelease, type ReconcileResult } from '../../../controllers/release/reconciler.js';
import { CloudError } from '../../../src/cloud/errors.js';
import type { Release } from '../../../src/api/types.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { instrumentReconciler } from '../../../src/server/instrument.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';
import { StaleFenceError } from '../../../src/store/store.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const desired = {
  release: { metadata: { name: 'web' } } as Release,
  generation: 1,
  sourceRevision: 'main@sha1:abc',
} satisfies DesiredRelease;

describe('instrumentReconciler', () => {
  it('records a clean pass, its duration on the clock, and the status it produced', async () => {
    const clock = new VirtualClock(0);
    const metrics = new ControllerMetrics();
    const reconciler = instrumentReconciler(
      {
        reconcile: async (): Promise<ReconcileResult> => {
          await clock.sleep(2_000);
          return { status: { phase: 'Progressing', weights: { blue: 90, green: 10 } }, actions: [] };
        },
      },
      metrics,
      clock,
    );
    const pass = reconciler.reconcile(desired);
    await clock.advance(2_000);
    expect((await pass).status.phase).toBe('Progressing');
    const text = await metrics.render();
    expect(sample(text, 'keelson_reconciles_total{result="ok"}')).toBe(1);
    expect(sample(text, 'keelson_reconcile_duration_seconds_sum')).toBe(2);
    expect(sample(text, 'keelson_traffic_weight_percent{release="web",colour="green"}')).toBe(10);
  });

  it('tells a lost lease from a failed pass, and passes the error on', async () => {
    const clock = new VirtualClock(0);
    const metrics = new ControllerMetrics();
    const failures = [new NotLeaderError('standing by'), new StaleFenceError('taken over'), new Error('Throttled')];
    const reconciler = instrumentReconciler({ reconcile: async () => Promise.reject(failures.shift()) }, metrics, clock);
    await expect(reconciler.reconcile(desired)).rejects.toBeInstanceOf(NotLeaderError);
    await expect(reconciler.reconcile(desired)).rejects.toBeInstanceOf(StaleFenceError);
    await expect(reconciler.reconcile(desired)).rejects.toThrow('Throttled');
    const text = await metrics.render();
    expect(sample(text, 'keelson_reconciles_total{result="not_leader"}')).toBe(2);
    expect(sample(text, 'keelson_reconciles_total{result="error"}')).toBe(1);
    expect(sample(text, 'keelson_reconciles_total{result="ok"}')).toBe(0);
    expect(text).not.toContain('release="web"');
  });

  it('counts failed passes by error code: one the pass wrote to status, and one before it could', async () => {
    const clock = new VirtualClock(0);
    const metrics = new ControllerMetrics();
    const denied = classifyFailure(new CloudError('AccessDenied', 'not authorized to perform: ecs:UpdateService'));
    const results: (() => Promise<ReconcileResult>)[] = [
      async () => ({ status: { phase: 'Stalled' }, actions: [], failure: denied }),
      async () => Promise.reject(new Error('state store unreachable')),
      async () => Promise.reject(new CloudError('Throttled', 'Rate exceeded')),
    ];
    const reconciler = instrumentReconciler({ reconcile: () => (results.shift() as () => Promise<ReconcileResult>)() }, metrics, clock);
    expect((await reconciler.reconcile(desired)).failure?.code).toBe('AccessDenied');
    await expect(reconciler.reconcile(desired)).rejects.toThrow('state store unreachable');
    await expect(reconciler.reconcile(desired)).rejects.toThrow('Rate exceeded');
    const text = await metrics.render();
    expect(sample(text, 'keelson_reconciles_total{result="error"}')).toBe(3);
    expect(sample(text, 'keelson_reconcile_errors_total{code="AccessDenied"}')).toBe(1);
    expect(sample(text, 'keelson_reconcile_errors_total{code="Internal"}')).toBe(1);
    expect(sample(text, 'keelson_reconcile_errors_total{code="Throttled"}')).toBe(1);
    expect(sample(text, 'keelson_reconcile_errors_total{code="NotFound"}')).toBe(0);
    expect(sample(text, 'keelson_release_phase{release="web",phase="Stalled"}')).toBe(1);
  });
});
