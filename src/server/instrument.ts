// Puts a reconciler's passes into the metrics: result, duration, the error code of a failed pass,
// and the status each pass wrote.
import { classifyFailure } from '../../controllers/release/failure.js';
import type { DesiredRelease, PassAttempt, ReconcileResult, Reconciler } from '../../controllers/release/reconciler.js';
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
  reconciler: Pick<Reconciler, 'reconcile'> & Partial<Pick<Reconciler, 'forget'>>,
  metrics: ControllerMetrics,
  clock: Clock,
): Pick<Reconciler, 'reconcile' | 'forget'> {
  return {
    forget: (name) => reconciler.forget?.(name),
    async reconcile(desired: DesiredRelease, attempt?: PassAttempt): Promise<ReconcileResult> {
      const started = clock.now();
      try {
        const result = await reconciler.reconcile(desired, attempt);
        metrics.recordReconcile(result.failure ? 'error' : 'ok', (clock.now() - started) / 1000);
        if (result.failure) metrics.recordReconcileError(result.failure.code);
        metrics.recordStatus(desired.release.metadata.name, result.status);
        return result;
      } catch (err) {
        const result = resultOf(err);
        metrics.recordReconcile(result, (clock.now() - started) / 1000);
        // Before any status could be written (the state store, say): still counted by its code.
        if (result === 'error') metrics.recordReconcileError(classifyFailure(err).code);
        throw err;
      }
    },
  };
}
