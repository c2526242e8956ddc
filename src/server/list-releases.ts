// GET /api/v1/releases: one read of every status from the store, labels from the controller (or
// one read of the last known specs), then one pass that filters, orders and cuts the page.
import { HttpApiError } from './errors.js';
import type { HttpServerOptions } from './http.js';
import { readAllStatuses } from '../store/read-statuses.js';
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

/** `visible`: for a reader whose roles are scoped, the Releases it may see (others are left out of the list, unnamed). */
export async function listReleases(
  options: Pick<HttpServerOptions, 'store' | 'controller' | 'clock'>,
  params: URLSearchParams,
  visible?: (names: Iterable<string>) => Promise<(name: string) => boolean>,
): Promise<ReleaseListBody<ReleaseSummary | ReleaseFull>> {
  const query = listQueryOf(params);
  // Read only to be shown: the store's shared objects where it has them (nothing copied).
  const statuses = await readAllStatuses(options.store);
  const unreconciled = (options.controller?.names() ?? []).filter((name) => !statuses.has(name));
  const names = [...statuses.keys(), ...unreconciled];
  const specs = readSpecsOnce(options.store);
  const labelsOf = await labelsByName(specs, options.controller, names);
  const releaseOf = await releasesByName(specs, options.controller, names);
  const shown = visible ? await visible(names) : () => true;
  const sorted: ListedStatus[] = [];
  for (const [name, status] of statuses) if (shown(name)) sorted.push({ name, status, labels: labelsOf(name) });
  for (const name of unreconciled) if (shown(name)) sorted.push({ name, status: notYetReconciled(), labels: labelsOf(name) });
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
