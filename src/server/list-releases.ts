// GET /api/v1/releases: one read of every status from the store, labels from the controller (or
// one read of the last known specs), then one pass that filters, orders and cuts the page.
import { HttpApiError } from './errors.js';
import type { HttpServerOptions } from './http.js';
import { readAllStatuses } from '../store/read-statuses.js';
import { manifestOrNull } from '../api/manifest.js';
import { specsByName, type ReleaseOf } from './release-specs.js';
import { TABLE_COLUMNS, tableRowJson } from './release-table.js';
import { compareNames, continueToken, ListParameterError, parseListQuery, selectPage, type ListedStatus, type ListQuery, type ReleasePage } from './release-list.js';
import { notYetReconciled, stepCount, summarize, type ReleaseFull, type ReleaseListBody, type ReleaseSummary } from './releases.js';

export function listQueryOf(params: URLSearchParams): ListQuery {
  try {
    return parseListQuery(params);
  } catch (err) {
    if (!(err instanceof ListParameterError)) throw err;
    const detail = { parameter: err.parameter, ...(err.position !== undefined ? { position: err.position } : {}) };
    throw new HttpApiError('InvalidParameter', err.message, {}, detail);
  }
}

type ListOptions = Pick<HttpServerOptions, 'store' | 'controller' | 'clock'>;

/** For a reader whose roles are scoped: the Releases it may see (others are left out of the list, unnamed). */
type Visible = (names: Iterable<string>) => Promise<(name: string) => boolean>;

interface Selected {
  query: ListQuery;
  page: ReleasePage;
  releaseOf: ReleaseOf;
  now: number;
}

async function selectReleases(options: ListOptions, query: ListQuery, visible?: Visible): Promise<Selected> {
  // Read only to be shown: the store's shared objects where it has them (nothing copied).
  const statuses = await readAllStatuses(options.store);
  const unreconciled = (options.controller?.names() ?? []).filter((name) => !statuses.has(name));
  const names = [...statuses.keys(), ...unreconciled];
  const { labelsOf, releaseOf } = await specsByName(options.store, options.controller, names);
  const shown = visible ? await visible(names) : () => true;
  const sorted: ListedStatus[] = [];
  for (const [name, status] of statuses) if (shown(name)) sorted.push({ name, status, labels: labelsOf(name) });
  for (const name of unreconciled) if (shown(name)) sorted.push({ name, status: notYetReconciled(), labels: labelsOf(name) });
  sorted.sort((a, b) => compareNames(a.name, b.name));
  return { query, page: selectPage(sorted, query), releaseOf, now: options.clock.now() };
}

/** What follows the page's items in every view: the continue token and the Releases a selector could not judge. */
function pageTail({ query, page }: Selected): Pick<ReleaseListBody, 'continue' | 'labelsUnknown'> {
  return {
    ...(page.lastName !== undefined ? { continue: continueToken(query, page.lastName) } : {}),
    ...(page.labelsUnknown.length > 0 ? { labelsUnknown: page.labelsUnknown } : {}),
  };
}

/** GET /api/v1/releases with `view=summary` or `view=full`. */
export async function listReleases(options: ListOptions, query: ListQuery, visible?: Visible): Promise<ReleaseListBody<ReleaseSummary | ReleaseFull>> {
  const selected = await selectReleases(options, query, visible);
  const { page, releaseOf, now } = selected;
  const releases =
    query.view === 'full'
      ? page.items.map(({ name, labels, status }): ReleaseFull => ({ name, labels: labels ? { ...labels } : null, status, release: manifestOrNull(releaseOf(name)) }))
      : page.items.map(({ name, labels, status }) => summarize(name, status, now, labels, releaseOf(name)));
  return { releases, ...pageTail(selected) };
}

/**
 * GET /api/v1/releases?view=table, as JSON text: `columns`, `rows` (a cell per column), then the
 * page's tail. Built from rows cached per status (release-table.ts): at thousands of Releases the
 * answer costs string joins, not a serialization of every summary.
 */
export async function listReleaseTable(options: ListOptions, query: ListQuery, visible?: Visible): Promise<string> {
  const selected = await selectReleases(options, query, visible);
  const { page, releaseOf, now } = selected;
  const rows = page.items.map(({ name, status }) => tableRowJson(name, status, stepCount(releaseOf(name)), now));
  const tail = JSON.stringify(pageTail(selected)).slice(1, -1);
  return `{"columns":${JSON.stringify(TABLE_COLUMNS)},"rows":[${rows.join(',')}]${tail ? `,${tail}` : ''}}`;
}
