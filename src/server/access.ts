// Who may do what on which Release: identities hold grants, a grant is roles within a scope.
// viewer reads; operator promotes, aborts, retries and restarts; approver approves. Every role
// also reads what it covers: someone who may act on a Release may see it.
import { matchesLabels, parseLabelSelector, type LabelSelector } from '../api/label-selector.js';

export const ROLES = ['viewer', 'operator', 'approver'] as const;
export type Role = (typeof ROLES)[number];

/** How an identity proved itself: a named API token (or the single apiToken), or an OIDC JWT. */
export type Via = 'token' | 'oidc';

/** Which Releases a grant covers: all of the given conditions must hold. */
export interface ScopeConfig {
  /** Source descriptions as `keelson run` logs them (`dir:releases`, `git:https://…#main:releases`). */
  sources?: string[];
  /** A Kubernetes label selector over the Release's metadata.labels. */
  labelSelector?: string;
}

export interface Scope {
  sources?: ReadonlySet<string>;
  selector?: LabelSelector;
}

export interface Grant {
  roles: readonly Role[];
  /** Undefined: every Release. */
  scope?: Scope;
}

export interface Identity {
  name: string;
  via: Via;
  /** The JWT's groups; empty for a token. */
  groups: readonly string[];
  grants: readonly Grant[];
}

/** What the scope looks at: undefined when not known, which no scope condition matches. */
export interface ReleaseFacts {
  labels: Readonly<Record<string, string>> | undefined;
  source: string | undefined;
}

/** Parses a scope from keelson.yaml; throws LabelSelectorError on a bad selector. */
export function parseScope(config: ScopeConfig | undefined): Scope | undefined {
  if (!config || (config.sources === undefined && config.labelSelector === undefined)) return undefined;
  return {
    ...(config.sources !== undefined ? { sources: new Set(config.sources) } : {}),
    ...(config.labelSelector !== undefined ? { selector: parseLabelSelector(config.labelSelector) } : {}),
  };
}

/** Unknown labels or source match no condition: a scope never widens because facts are missing. */
export function inScope(scope: Scope | undefined, release: ReleaseFacts): boolean {
  if (!scope) return true;
  if (scope.sources && (release.source === undefined || !scope.sources.has(release.source))) return false;
  if (scope.selector && (release.labels === undefined || !matchesLabels(scope.selector, release.labels))) return false;
  return true;
}

/** Roles on one Release, or, without one, every role the identity holds anywhere. Sorted as ROLES. */
export function rolesOf(identity: Pick<Identity, 'grants'>, release?: ReleaseFacts): Role[] {
  const held = new Set<Role>();
  for (const grant of identity.grants) {
    if (release && !inScope(grant.scope, release)) continue;
    for (const role of grant.roles) held.add(role);
  }
  // Any role reads what it covers.
  if (held.size > 0) held.add('viewer');
  return ROLES.filter((r) => held.has(r));
}

/** Whether any grant is scoped: then reads of a list are filtered Release by Release. */
export function isScoped(identity: Pick<Identity, 'grants'>): boolean {
  return identity.grants.some((g) => g.scope !== undefined);
}

/** The single apiToken (keelson.yaml http.apiToken, KEELSON_API_TOKEN): every role on every Release. */
export const API_TOKEN_NAME = 'api-token';
export const ALL_ROLES: readonly Grant[] = [{ roles: ROLES }];
