// GET /api/v1/releases: one read of every status from the store, labels from the controller (or
// one read of the last known specs), then one pass that filters, orders and cuts the page.
import { HttpApiError } from './errors.js';
import type { HttpServerOptions } from './http.js';
import { manifestOrNull } from '../api/manifest.js';
import { labelsByName } from './release-labels.js';
import { readSpecsOnce, releasesByName } from './release-specs.js';
import { compareNames, continueToken, ListParameterError, parseListQuery, selectPage, type ListedStatus, type ListQuery } from './release-list.js';
import { notYetReconciled, summarize, type ReleaseFull, type ReleaseListBody, type ReleaseSummary } from './releases.js';

export function listQueryOf(params: URLSearchParams): ListQuery {
  try {
    return parseListQuery(params);
  } catch (err) {
    if (!(err instanceof ListParameterError)) throw err;
    const detail = { parameter: err.parameter, ...(err.position !== undefined ? { position: err.position } : {}) };
    throw new HttpApiError('InvalidParameter', err.message, {}, detail);
  }
}

export async function listReleases(options: Pick<HttpServerOptions, 'store' | 'controller' | 'clock'>, params: URLSearchParams): Promise<ReleaseListBody<ReleaseSummary | ReleaseFull>> {
  const query = listQueryOf(params);
  const statuses = await options.store.listStatuses();
  for (const name of options.controller?.names() ?? []) if (!statuses.has(name)) statuses.set(name, notYetReconciled());
  const specs = readSpecsOnce(options.store);
  const labelsOf = await labelsByName(specs, options.controller, statuses.keys());
  const releaseOf = await releasesByName(specs, options.controller, statuses.keys());
  const sorted: ListedStatus[] = [];
  for (const [name, status] of statuses) sorted.push({ name, status, labels: labelsOf(name) });
  sorted.sort((a, b) => compareNames(a.name, b.name));
  const page = selectPage(sorted, query);
  const now = options.clock.now();
  const releases =
    query.view === 'full'
      ? page.items.map(({ name, labels, status }): ReleaseFull => ({ name, labels: labels ? { ...labels } : null, status, release: manifestOrNull(releaseOf(name)) }))
      : page.items.map(({ name, labels, status }) => summarize(name, status, now, labels, releaseOf(name)));
  return {
    releases,
    ...(page.lastName !== undefined ? { continue: continueToken(query, page.lastName) } : {}),
    ...(page.labelsUnknown.length > 0 ? { labelsUnknown: page.labelsUnknown } : {}),
  };
}
