// One page of the Release list: filtered by label selector and phase, ordered by name, cut at
// `limit`, with an opaque token to carry on after the last name. Used by GET /api/v1/releases and
// by the CLI reading the state store, so both select alike.
import { LabelSelectorError, matchesLabels, parseLabelSelector, selectsEverything, type LabelSelector } from '../api/label-selector.js';
import { isPhase, PHASES } from '../api/phases.js';
import type { Phase, ReleaseStatus } from '../api/types.js';

export const LIST_LIMITS = {
  /** Releases in a page when the request names no limit. */
  defaultLimit: 500,
  /** The most a page holds: 5,000 summaries are a few MB of JSON. */
  maxLimit: 5_000,
} as const;

/** `table`: the rows `keelson get` prints (release-table.ts), the shortest answer for a terminal. */
export type ListView = 'summary' | 'full' | 'table';

export interface ReleaseFilter {
  selector: LabelSelector;
  /** Undefined: every phase. */
  phases: ReadonlySet<Phase> | undefined;
}

export interface ListQuery extends ReleaseFilter {
  limit: number;
  /** The last name of the previous page: this page starts after it. */
  after: string | undefined;
  view: ListView;
}

/** A query parameter that cannot be used: answered 400 with the parameter (and the offset in a selector). */
export class ListParameterError extends Error {
  override readonly name = 'ListParameterError';
  constructor(
    readonly parameter: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

export function parseSelector(text: string | undefined, parameter = 'labelSelector'): LabelSelector {
  try {
    return parseLabelSelector(text ?? '');
  } catch (err) {
    if (err instanceof LabelSelectorError) throw new ListParameterError(parameter, `${parameter}: ${err.message}`, err.position);
    throw err;
  }
}

export function parsePhases(text: string | undefined, parameter = 'phase'): ReadonlySet<Phase> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const phases = new Set<Phase>();
  for (const word of text.split(',').map((p) => p.trim())) {
    if (!isPhase(word)) throw new ListParameterError(parameter, `${parameter}: "${word}" is not a phase (${PHASES.join(', ')})`);
    phases.add(word);
  }
  return phases;
}

/** What a continue token binds: a token is refused with another filter or view than its own. */
function queryKey(query: Omit<ListQuery, 'limit' | 'after'>): string {
  return JSON.stringify([query.selector.text, [...(query.phases ?? [])].sort(), query.view]);
}

export function continueToken(query: ListQuery, lastName: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastName, q: queryKey(query) })).toString('base64url');
}

function readContinue(token: string, query: Omit<ListQuery, 'limit' | 'after'>): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const { v, after, q } = (decoded ?? {}) as { v?: unknown; after?: unknown; q?: unknown };
  if (v !== 1 || typeof after !== 'string' || typeof q !== 'string') throw new ListParameterError('continue', 'continue: not a token this server gave');
  if (q !== queryKey(query)) throw new ListParameterError('continue', 'continue: the token belongs to a list with another labelSelector, phase or view; repeat those unchanged');
  return after;
}

function parseLimit(text: string | null): number {
  if (text === null) return LIST_LIMITS.defaultLimit;
  const limit = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= LIST_LIMITS.maxLimit)) throw new ListParameterError('limit', `limit: "${text}" is not a whole number from 1 to ${LIST_LIMITS.maxLimit}`);
  return limit;
}

const KNOWN_PARAMETERS = new Set(['labelSelector', 'phase', 'limit', 'continue', 'view']);

export function parseListQuery(params: URLSearchParams): ListQuery {
  for (const name of params.keys()) {
    if (!KNOWN_PARAMETERS.has(name)) throw new ListParameterError(name, `${name}: not a parameter of this list (${[...KNOWN_PARAMETERS].join(', ')})`);
    if (params.getAll(name).length > 1) throw new ListParameterError(name, `${name}: given more than once`);
  }
  const view = params.get('view') ?? 'summary';
  if (view !== 'summary' && view !== 'full' && view !== 'table') throw new ListParameterError('view', `view: "${view}" is not summary, full or table`);
  const base = { selector: parseSelector(params.get('labelSelector') ?? undefined), phases: parsePhases(params.get('phase') ?? undefined), view } as const;
  const token = params.get('continue');
  return { ...base, limit: parseLimit(params.get('limit')), after: token ? readContinue(token, base) : undefined };
}

/** Names in one fixed order, the same on every page (code units, not locale). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ListedStatus {
  name: string;
  status: ReleaseStatus;
  /** Undefined when neither the controller nor the store knows the Release's spec. */
  labels: Readonly<Record<string, string>> | undefined;
}

export interface ReleasePage {
  items: ListedStatus[];
  /** Set when more Releases may follow: the last name of this page. */
  lastName: string | undefined;
  /** Releases left out because a selector was given and their labels are not known. */
  labelsUnknown: string[];
}

/** True when a Release passes the filter; undefined when its labels are needed and not known. */
export function passes(filter: ReleaseFilter, status: ReleaseStatus, labels: Readonly<Record<string, string>> | undefined): boolean | undefined {
  if (filter.phases && !filter.phases.has(status.phase)) return false;
  if (selectsEverything(filter.selector)) return true;
  return labels === undefined ? undefined : matchesLabels(filter.selector, labels);
}

/** One pass over the Releases sorted by name; `sorted` must be in compareNames order. */
export function selectPage(sorted: readonly ListedStatus[], query: ListQuery): ReleasePage {
  const items: ListedStatus[] = [];
  const labelsUnknown: string[] = [];
  let start = 0;
  if (query.after !== undefined) {
    // Binary search: the first name after the previous page's last one, whatever was added since.
    let high = sorted.length;
    while (start < high) {
      const mid = (start + high) >>> 1;
      if (compareNames(sorted[mid]!.name, query.after) <= 0) start = mid + 1;
      else high = mid;
    }
  }
  for (let i = start; i < sorted.length; i++) {
    const entry = sorted[i]!;
    const verdict = passes(query, entry.status, entry.labels);
    if (verdict === undefined) labelsUnknown.push(entry.name);
    if (!verdict) continue;
    // Cut after the last name looked at, so the next page does not look at it again.
    if (items.length === query.limit) return { items, lastName: sorted[i - 1]!.name, labelsUnknown };
    items.push(entry);
  }
  return { items, lastName: undefined, labelsUnknown };
}
