// Restarting the stable revision (a secret rotated, say): spec.restartAt or `keelson restart`
// rolls the same task definition again through the Release's own strategy, so new tasks take
// traffic step by step with health watched, and a bad restart reverts to the old tasks.
import type { RestartRequest, RolloutProgress } from '../../src/api/types.js';
import type { Draft } from './draft.js';
import { iso, ms } from './status.js';
import { DONE, waitFor, type StageResult } from './strategies/waits.js';

/**
 * Once per pass, before the strategy: a `keelson restart` becomes status.restart, and so does
 * spec.restartAt once its time has come, if it is later than the last time every task of the
 * stable revision was new (the last restart, or the start of the rollout that promoted it).
 */
export function recordRestartRequest(d: Draft): void {
  for (let op = d.take('restart'); op; op = d.take('restart')) {
    d.status.restart = { requestedAt: iso(op.requestedAt), ...(op.requestedBy ? { requestedBy: op.requestedBy } : {}) };
  }
  const last = lastFreshStart(d);
  const wanted = d.spec.restartAt ? Date.parse(d.spec.restartAt) : NaN;
  if (Number.isFinite(wanted) && wanted > last && !(ms(d.status.restart?.requestedAt) >= wanted)) {
    if (wanted <= d.now) d.status.restart = { requestedAt: iso(wanted) };
    else d.requeue(wanted - d.now);
  }
  // Tasks started after the request already run with whatever it was asked for.
  if (d.status.restart && last >= ms(d.status.restart.requestedAt)) d.status.restart = null;
}

/** The pending restart, taken: recorded as started now. */
export function takeRestart(d: Draft): RestartRequest | undefined {
  const request = d.status.restart;
  if (!request) return undefined;
  d.status.restart = null;
  d.status.restartedAt = iso(d.now);
  return { ...request };
}

/**
 * A restart's first stage: one new ECS deployment of the same task definition on `service`
 * (UpdateService forceNewDeployment), then wait until ECS shows it as the primary one, so that
 * no traffic moves to tasks started before the restart.
 */
export function restartDeployment(d: Draft, r: RolloutProgress, service: string, desiredCount?: number): StageResult {
  const restart = r.restart;
  if (!restart) return DONE;
  const svc = d.observed.services[service];
  if (!svc) return waitFor(`service ${service} not read`);
  if (!restart.deployedAt) {
    restart.deployments = svc.deployments.map((dep) => dep.id);
    restart.deployedAt = iso(d.now);
    d.act({
      kind: 'updateService',
      service,
      taskDefinition: r.revision,
      ...(desiredCount !== undefined && !d.observed.autoscaled[service] ? { desiredCount } : {}),
      forceNewDeployment: true,
      reason: `restart: new tasks of ${r.revision}`,
    });
    return waitFor(`restart: starting new tasks of ${r.revision} on ${service}`);
  }
  const primary = svc.deployments.find((dep) => dep.status === 'PRIMARY');
  if (!primary || (restart.deployments ?? []).includes(primary.id)) return waitFor(`restart: waiting for ${service}'s new deployment`);
  return DONE;
}

/** What history keeps of a restart: who asked and when. */
export function restartRecord(r: RolloutProgress): { reason?: string; restart?: RestartRequest } {
  if (!r.restart) return {};
  return { restart: { requestedAt: r.restart.requestedAt, ...(r.restart.requestedBy ? { requestedBy: r.restart.requestedBy } : {}) } };
}

function lastFreshStart(d: Draft): number {
  const restarted = ms(d.status.restartedAt);
  const promoted = d.status.history?.find((h) => h.result === 'Promoted');
  const rolledOut = promoted ? ms(promoted.startedAt) : NaN;
  return Math.max(Number.isFinite(restarted) ? restarted : -Infinity, Number.isFinite(rolledOut) ? rolledOut : -Infinity);
}
