// Asking the controller for an operation (promote, abort, retry, approve): one path for the HTTP API,
// and a simulated world's timeline, so an operation is recorded the same way whoever asks.
import type { Logger } from 'pino';
import type { Clock } from '../runtime/clock.js';
import type { OperationRequest, StateStore } from '../store/store.js';

export interface OperationDeps {
  store: Pick<StateStore, 'requestOperation'>;
  /** Looks at the Release again at once rather than at its next resync. */
  controller?: { enqueue(name: string): void };
  clock: Clock;
  logger: Logger;
}

export async function requestOperation(
  deps: OperationDeps,
  release: string,
  kind: OperationRequest['kind'],
  by: string | undefined,
  extra: Pick<OperationRequest, 'overrideWindow' | 'rerunJobs' | 'revision'> & { via?: OperationRequest['requestedVia']; groups?: string[] } = {},
): Promise<OperationRequest> {
  const operation = await deps.store.requestOperation({
    release,
    kind,
    requestedAt: deps.clock.now(),
    ...(by !== undefined ? { requestedBy: by } : {}),
    ...(extra.via !== undefined ? { requestedVia: extra.via } : {}),
    ...(extra.groups && extra.groups.length > 0 ? { requestedGroups: extra.groups } : {}),
    ...(extra.overrideWindow ? { overrideWindow: true } : {}),
    ...(extra.rerunJobs ? { rerunJobs: true } : {}),
    ...(extra.revision !== undefined ? { revision: extra.revision } : {}),
  });
  deps.controller?.enqueue(release);
  deps.logger.info({ release, operation }, `${operation.kind} requested${by ? ` by ${by}` : ''}`);
  return operation;
}
