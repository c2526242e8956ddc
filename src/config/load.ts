// Reading keelson.yaml: YAML with ${ENV} references, checked against the schema, every problem
// reported as `file:line:column field: message` like the manifests' problems.
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { parseDuration } from '../api/duration.js';
import { checkSchedule } from '../api/schedule-checks.js';
import type { DeploySchedule } from '../api/types.js';
import { formatProblem, type ManifestProblem } from '../api/problem.js';
import { CONFIG_DEFAULTS, defaultConfig, shardingProblem, type AuthTokenConfig, type HttpAuthConfig, type KeelsonConfig, type LogFormat, type LogLevel, type OidcConfig, type SecretRef, type SourceConfig, type StateConfig } from './config.js';
import { parseLabelSelector } from '../api/label-selector.js';
import { GROUP_MEMBER_PREFIX } from '../api/approver-membership.js';
import { API_TOKEN_NAME, type Role, type ScopeConfig } from '../server/access.js';
import { urlHasPassword } from '../sources/git-url.js';
import { resolveBudgets, type RawBudgets } from './budgets.js';
import { expandEnvironment } from './expand.js';
import { describeErrors, fieldPath, validateConfigShape } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'InvalidConfig';
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export async function loadConfigFile(file: string, env: Record<string, string | undefined>): Promise<KeelsonConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: 0, column: 0, path: '', message: `cannot read: ${(err as Error).message}`, code: 'io' }]);
  }
  return parseConfig(text, file, env);
}

/** Parses and checks keelson.yaml text; throws ConfigError listing every problem found. */
export function parseConfig(text: string, file: string, env: Record<string, string | undefined>): KeelsonConfig {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const yamlProblems: ManifestProblem[] = list.flatMap((d) =>
    d.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: e.message, code: 'yaml' as const })),
  );
  if (list.length > 1) yamlProblems.push({ file, ...at(list[1]!.range[0]), path: '', message: 'keelson.yaml holds one document', code: 'yaml' });
  if (yamlProblems.length > 0) throw new ConfigError(yamlProblems);
  const doc = list[0];
  if (!doc) return { ...defaultConfig(), file };

  expandEnvironment(doc, env);
  const raw: unknown = doc.toJS() ?? {};
  const shape = describeErrors(validateConfigShape(raw));
  if (shape.length > 0) {
    throw new ConfigError(
      shape.map((p) => ({ file, ...at(locate(doc, p.segments, p.atKey)), path: fieldPath(p.segments), message: p.message, code: 'schema' })),
    );
  }
  const semantic: ManifestProblem[] = [];
  const config = resolveConfig(raw as RawConfig, (segments, message) =>
    semantic.push({ file, ...at(locate(doc, segments)), path: fieldPath(segments), message, code: 'semantic' }),
  );
  if (semantic.length > 0) throw new ConfigError(semantic);
  return { ...config, file };
}

/** Offset of the field in the text: its value, else its key, else the nearest enclosing field. */
function locate(doc: Document, segments: (string | number)[], atKey = false): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const [i, segment] of segments.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      const key = (pair.key as Node).range?.[0];
      const value = (pair.value as Node | null)?.range?.[0];
      offset = (atKey && i === segments.length - 1 ? key : (value ?? key)) ?? offset;
      node = pair.value;
    } else if (node && typeof segment === 'number' && 'items' in (node as object)) {
      const item = (node as { items: unknown[] }).items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

// ------------------------------------------------------------------ resolving

type Fields = Record<string, unknown>;
interface RawConfig {
  sources?: Fields[];
  source?: Fields & { kind: 'dir' | 'git' | 'dynamodb' };
  state?: Fields;
  cloud?: Fields;
  http?: Fields;
  probes?: { allowHosts?: string[] };
  resync?: string;
  concurrency?: number;
  leaderElection?: { lease?: string; duration?: string; renewEvery?: string };
  sharding?: { shards?: number };
  log?: { level?: LogLevel; format?: LogFormat };
  notifications?: KeelsonConfig['notifications'];
  approvers?: Record<string, string[]>;
}
type Report = (segments: (string | number)[], message: string) => void;

function resolveConfig(raw: RawConfig, report: Report): KeelsonConfig {
  const base = defaultConfig();
  const sources = raw.sources
    ? raw.sources.map((entry) => {
        const [kind, block] = Object.entries(entry)[0] as [SourceConfig['kind'], Fields];
        return resolveSource(kind, block);
      })
    : raw.source
      ? [resolveSource(raw.source.kind, raw.source[raw.source.kind] as Fields)]
      : base.sources;
  // A password in the URL would reach git's process arguments, which every local user can read.
  sources.forEach((source, i) => {
    if (source.kind === 'git' && urlHasPassword(source.url)) {
      report(raw.sources ? ['sources', i, 'git', 'url'] : ['source', 'git', 'url'], 'carries a password; give it as token (token: {env: NAME} or {file: PATH}), never in the URL');
    }
  });
  const sourceEntries = raw.sources ? raw.sources.map((entry, i) => ({ at: ['sources', i, Object.keys(entry)[0] as string], block: Object.values(entry)[0] as Fields })) : raw.source ? [{ at: ['source', raw.source.kind], block: raw.source[raw.source.kind] as Fields }] : [];
  for (const { at, block } of sourceEntries) {
    for (const p of checkSchedule(block?.schedule as DeploySchedule | undefined)) report([...at, 'schedule', ...p.at], p.message);
  }
  const durationMs = raw.leaderElection?.duration ? parseDuration(raw.leaderElection.duration) : base.leaderElection.durationMs;
  const renewEveryMs = raw.leaderElection?.renewEvery ? parseDuration(raw.leaderElection.renewEvery) : Math.floor(durationMs / 3);
  if (renewEveryMs >= durationMs) report(['leaderElection', 'renewEvery'], 'must be shorter than leaderElection.duration');
  const sharding = { shards: raw.sharding?.shards ?? base.sharding.shards };
  const state = raw.state ? resolveState(raw.state) : base.state;
  const unshardable = shardingProblem({ sharding, state });
  if (unshardable) report(['sharding', 'shards'], unshardable);
  const resyncMs = raw.resync ? parseDuration(raw.resync) : base.resyncMs;
  if (resyncMs <= 0) report(['resync'], 'must be longer than 0s');
  // An optional value left empty (an unset ${VARIABLE}) is simply not set.
  const givenCloud = Object.fromEntries(Object.entries(raw.cloud ?? {}).filter(([, v]) => v !== null && v !== ''));
  const cloud = { ...base.cloud, ...(givenCloud as Partial<KeelsonConfig['cloud']>) };
  if (cloud.provider === 'aws' && cloud.world) report(['cloud', 'world'], 'is only for provider sim');
  if (cloud.provider === 'aws' && cloud.speed !== undefined) report(['cloud', 'speed'], 'is only for provider sim: AWS runs on the wall clock');
  if (givenCloud.budgets !== undefined) cloud.budgets = resolveBudgets(givenCloud.budgets as RawBudgets, report);
  const http = raw.http ?? {};
  const auth = http.auth !== undefined ? resolveAuth(http.auth as RawAuth, report) : undefined;
  const named = auth !== undefined && (auth.tokens.length > 0 || auth.oidc !== undefined);
  return {
    sources,
    state,
    cloud,
    http: {
      port: (http.port as number | undefined) ?? base.http.port,
      host: (http.host as string | undefined) ?? base.http.host,
      maxConnections: (http.maxConnections as number | undefined) ?? base.http.maxConnections,
      ...(http.apiToken !== undefined ? { apiToken: secretRef(http.apiToken) } : {}),
      // Named identities make reads need one too, unless keelson.yaml says otherwise.
      readsRequireToken: (http.readsRequireToken as boolean | undefined) ?? (named ? true : base.http.readsRequireToken),
      ...(auth ? { auth } : {}),
      ...(typeof http.keepAlive === 'string' ? { keepAliveMs: parseDuration(http.keepAlive) } : {}),
    },
    probes: { allowHosts: raw.probes?.allowHosts ?? base.probes.allowHosts },
    resyncMs,
    concurrency: raw.concurrency ?? base.concurrency,
    leaderElection: { lease: raw.leaderElection?.lease ?? base.leaderElection.lease, durationMs, renewEveryMs },
    sharding,
    log: { level: raw.log?.level ?? base.log.level, format: raw.log?.format ?? base.log.format },
    notifications: raw.notifications ?? {},
    approvers: raw.approvers ?? {},
  };
}

export function resolveSource(kind: SourceConfig['kind'], block: Fields): SourceConfig {
  const poll = (fallback: number): number => (typeof block.pollInterval === 'string' ? parseDuration(block.pollInterval) : fallback);
  const defaults = block.schedule ? { schedule: block.schedule as DeploySchedule } : {};
  if (kind === 'dir') return { kind, path: block.path as string, pollIntervalMs: poll(CONFIG_DEFAULTS.dirPollIntervalMs), ...defaults };
  if (kind === 'dynamodb') return { kind, table: block.table as string, pollIntervalMs: poll(CONFIG_DEFAULTS.dynamodbPollIntervalMs), ...defaults };
  const optional = (key: string): Fields => (typeof block[key] === 'string' ? { [key]: block[key] } : {});
  const token = block.token === null || block.token === '' || block.token === undefined ? undefined : secretRef(block.token);
  return {
    kind,
    url: block.url as string,
    branch: (block.branch as string | undefined) ?? CONFIG_DEFAULTS.gitBranch,
    path: (block.path as string | null | undefined) ?? '',
    pollIntervalMs: poll(CONFIG_DEFAULTS.gitPollIntervalMs),
    ...(token ? { token } : {}),
    // Empty, as `${KEELSON_GIT_WEBHOOK_SECRET:-}` expands without the secret: no webhook, as when absent.
    ...(block.webhookSecret !== undefined && block.webhookSecret !== null && block.webhookSecret !== '' ? { webhookSecret: secretRef(block.webhookSecret) } : {}),
    ...optional('username'),
    ...optional('sshKeyFile'),
    ...optional('knownHostsFile'),
    ...optional('cacheDir'),
    ...defaults,
  };
}

interface RawAuth {
  tokens?: { name: string; token: unknown; roles: Role[]; scope?: ScopeConfig }[];
  oidc?: Omit<OidcConfig, 'clockToleranceMs' | 'nameClaim' | 'groupsClaim'> & { nameClaim?: string; groupsClaim?: string; clockTolerance?: string; bindings?: OidcConfig['bindings'] };
}

function resolveAuth(raw: RawAuth, report: Report): HttpAuthConfig {
  const checkScope = (scope: ScopeConfig | undefined, at: (string | number)[]): void => {
    if (scope?.labelSelector === undefined) return;
    try {
      parseLabelSelector(scope.labelSelector);
    } catch (err) {
      report([...at, 'scope', 'labelSelector'], (err as Error).message);
    }
  };
  const seen = new Set<string>();
  const tokens = (raw.tokens ?? []).map((t, i): AuthTokenConfig => {
    if (t.name.startsWith(GROUP_MEMBER_PREFIX)) report(['http', 'auth', 'tokens', i, 'name'], `must not start with ${GROUP_MEMBER_PREFIX}: approvers use it for OIDC groups`);
    else if (t.name === API_TOKEN_NAME) report(['http', 'auth', 'tokens', i, 'name'], `${API_TOKEN_NAME} is the name of http.apiToken; choose another`);
    else if (seen.has(t.name)) report(['http', 'auth', 'tokens', i, 'name'], `another token is named ${t.name}: names are recorded as who asked, so each is unique`);
    seen.add(t.name);
    checkScope(t.scope, ['http', 'auth', 'tokens', i]);
    return { name: t.name, token: secretRef(t.token), roles: t.roles, ...(t.scope ? { scope: t.scope } : {}) };
  });
  if (!raw.oidc) return { tokens };
  const { clockTolerance, nameClaim, groupsClaim, bindings = [], ...oidc } = raw.oidc;
  bindings.forEach((b, i) => checkScope(b.scope, ['http', 'auth', 'oidc', 'bindings', i]));
  return {
    tokens,
    oidc: {
      ...oidc,
      nameClaim: nameClaim ?? CONFIG_DEFAULTS.oidcNameClaim,
      groupsClaim: groupsClaim ?? CONFIG_DEFAULTS.oidcGroupsClaim,
      clockToleranceMs: clockTolerance !== undefined ? parseDuration(clockTolerance) : CONFIG_DEFAULTS.oidcClockToleranceMs,
      bindings,
    },
  };
}

function resolveState(raw: Fields): StateConfig {
  if (raw.dynamodb) return { kind: 'dynamodb', table: (raw.dynamodb as Fields).table as string };
  return { kind: 'dir', path: (raw.dir as Fields).path as string };
}

function secretRef(raw: unknown): SecretRef {
  if (typeof raw === 'string') return { value: raw };
  const fields = raw as Fields;
  return typeof fields.env === 'string' ? { env: fields.env } : { file: fields.file as string };
}
