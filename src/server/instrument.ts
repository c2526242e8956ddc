// Puts a reconciler's passes into the metrics: result, duration, and the status each pass wrote.
import type { DesiredRelease, ReconcileResult, Reconciler } from '../../controllers/release/reconciler.js';
import type { Clock } from '../runtime/clock.js';
import type { ControllerMetrics, ReconcileResultLabel } from './metrics.js';

/** Error codes that mean "another controller holds the lease", not "the pass failed". */
const NOT_LEADER_CODES = new Set(['NotLeader', 'StaleFence']);

function resultOf(err: unknown): ReconcileResultLabel {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_LEADER_CODES.has(code) ? 'not_leader' : 'error';
}

/** Wraps a reconciler for the Controller, recording every pass in `metrics`. */
export function instrumentReconciler(
  reconciler: Pick<Reconciler, 'reconcile'>,
  metrics: ControllerMetrics,
  clock: Clock,
): Pick<Reconciler, 'reconcile'> {
  return {
    async reconcile(desired: DesiredRelease): Promise<ReconcileResult> {
      const started = clock.now();
      try {
        const result = await reconciler.reconcile(desired);
        metrics.recordReconcile('ok', (clock.now() - started) / 1000);
        metrics.recordStatus(desired.release.metadata.name, result.status);
        return result;
      } catch (err) {
        metrics.recordReconcile(resultOf(err), (clock.now() - started) / 1000);
        throw err;
      }
    },
  };
}
