import type { DeploySchedule } from '../api/types.js';
import type { Role, ScopeConfig } from '../server/access.js';

// The controller's configuration, resolved: defaults applied, durations in milliseconds, one
// shape whether it came from keelson.yaml, from flags, or both. schemas/config.schema.json
// describes the file.

/** A secret: the value itself, an environment variable's name, or a file (a mounted secret). */
export type SecretRef = { value: string } | { env: string } | { file: string };

export interface DirSourceConfig {
  kind: 'dir';
  path: string;
  pollIntervalMs: number;
}

export interface GitSourceConfig {
  kind: 'git';
  url: string;
  branch: string;
  /** Folder or glob; empty for the whole repository. */
  path: string;
  pollIntervalMs: number;
  token?: SecretRef;
  username?: string;
  sshKeyFile?: string;
  knownHostsFile?: string;
  webhookSecret?: SecretRef;
  cacheDir?: string;
}

export interface DynamoDbSourceConfig {
  kind: 'dynamodb';
  table: string;
  pollIntervalMs: number;
}

/** Defaults a source gives its Releases (those that set none of their own). */
export interface SourceDefaults {
  schedule?: DeploySchedule;
}

export type SourceConfig = (DirSourceConfig | GitSourceConfig | DynamoDbSourceConfig) & SourceDefaults;

export type StateConfig = { kind: 'dir'; path: string } | { kind: 'dynamodb'; table: string };

export interface CloudConfig {
  provider: 'aws' | 'sim';
  region?: string;
  endpoint?: string;
  /** The simulator's world file (provider sim). */
  world?: string;
  /** Provider sim: the world's time (and the controller's) runs this many times faster than the wall clock. Default 1. */
  speed?: number;
  /** keelson's own pacing of AWS requests (`cloud.budgets`); absent: on, at AWS's documented rates. */
  budgets?: CallBudgetConfig;
}

export interface CallBudgetConfig {
  enabled: boolean;
  maxWaitMs: number;
  /** `service.bucket` → the rate in place of the documented one. */
  rates: Record<string, { burst: number; perSecond: number }>;
}

export interface HttpConfig {
  port: number;
  /** Listen address; loopback unless configured (a container behind a load balancer sets 0.0.0.0). */
  host: string;
  /** Open connections at most; more are closed at once. */
  maxConnections: number;
  apiToken?: SecretRef;
  readsRequireToken: boolean;
  /** How long an idle connection stays open for its next request; the server's default when absent. */
  keepAliveMs?: number;
  /** Named API tokens and OIDC identities (`http.auth`). */
  auth?: HttpAuthConfig;
}

export interface AuthTokenConfig {
  name: string;
  token: SecretRef;
  roles: Role[];
  scope?: ScopeConfig;
}

export interface OidcBindingConfig {
  group?: string;
  subject?: string;
  roles: Role[];
  scope?: ScopeConfig;
}

export interface OidcConfig {
  issuer: string;
  audience: string;
  /** Absent: the jwks_uri of the issuer's discovery document. */
  jwksUri?: string;
  nameClaim: string;
  groupsClaim: string;
  algorithms?: string[];
  clockToleranceMs: number;
  bindings: OidcBindingConfig[];
}

export interface HttpAuthConfig {
  tokens: AuthTokenConfig[];
  oidc?: OidcConfig;
}

export interface ProbesConfig {
  /** Hosts health probes may reach (names, `*.domain`, addresses, CIDR blocks); empty: any but link-local and metadata ones. */
  allowHosts: string[];
}

export interface LeaderElectionConfig {
  lease: string;
  durationMs: number;
  renewEveryMs: number;
}

/** Releases split over replicas: each shard has its own lease (`<lease>/shard-<i>`). */
export interface ShardingConfig {
  /** 1: one lease for every Release, as without sharding. */
  shards: number;
}

/** Why a configuration cannot shard, or undefined when it can. */
export function shardingProblem(config: Pick<KeelsonConfig, 'sharding' | 'state'>): string | undefined {
  if (config.sharding.shards <= 1 || config.state.kind === 'dynamodb') return undefined;
  return `shards: ${config.sharding.shards} needs state: dynamodb; the leases of a ${config.state.kind} state store are not shared between machines`;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
/** auto: readable lines on a terminal, JSON lines otherwise (pipes, containers, CI). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** The `notifications` section as written; src/notify/config.ts checks it in detail. */
export interface NotificationsConfig {
  targets?: {
    name: string;
    format: 'slack' | 'json';
    url?: string | null;
    events?: string[];
    releases?: string[];
    labels?: Record<string, string>;
    headers?: Record<string, string>;
  }[];
  queueLimit?: number;
  retry?: { maxAttempts?: number; initialDelay?: string; maxDelay?: string };
}

export interface KeelsonConfig {
  sources: SourceConfig[];
  state: StateConfig;
  cloud: CloudConfig;
  http: HttpConfig;
  probes: ProbesConfig;
  resyncMs: number;
  concurrency: number;
  leaderElection: LeaderElectionConfig;
  sharding: ShardingConfig;
  log: { level: LogLevel; format: LogFormat };
  notifications: NotificationsConfig;
  /** Groups of people who may approve, by group name (approval gates name a group). */
  approvers: Record<string, string[]>;
  /** The file it was read from, if any. */
  file?: string;
}

export const CONFIG_DEFAULTS = {
  sourceDir: 'releases',
  stateDir: '.keelson',
  cloudProvider: 'sim',
  dirPollIntervalMs: 5_000,
  gitBranch: 'main',
  gitPollIntervalMs: 30_000,
  dynamodbPollIntervalMs: 2_000,
  httpPort: 8080,
  httpHost: '127.0.0.1',
  httpMaxConnections: 512,
  readsRequireToken: false,
  oidcNameClaim: 'sub',
  oidcGroupsClaim: 'groups',
  oidcClockToleranceMs: 30_000,
  resyncMs: 5 * 60_000,
  concurrency: 8,
  lease: 'keelson-controller',
  leaseDurationMs: 15_000,
  shards: 1,
  logLevel: 'info',
  logFormat: 'auto',
} as const;

/** The configuration with nothing given: the embedded defaults (folder source, folder state, simulator). */
export function defaultConfig(): KeelsonConfig {
  return {
    sources: [{ kind: 'dir', path: CONFIG_DEFAULTS.sourceDir, pollIntervalMs: CONFIG_DEFAULTS.dirPollIntervalMs }],
    state: { kind: 'dir', path: CONFIG_DEFAULTS.stateDir },
    cloud: { provider: CONFIG_DEFAULTS.cloudProvider },
    http: { port: CONFIG_DEFAULTS.httpPort, host: CONFIG_DEFAULTS.httpHost, maxConnections: CONFIG_DEFAULTS.httpMaxConnections, readsRequireToken: CONFIG_DEFAULTS.readsRequireToken },
    probes: { allowHosts: [] },
    resyncMs: CONFIG_DEFAULTS.resyncMs,
    concurrency: CONFIG_DEFAULTS.concurrency,
    leaderElection: {
      lease: CONFIG_DEFAULTS.lease,
      durationMs: CONFIG_DEFAULTS.leaseDurationMs,
      renewEveryMs: Math.floor(CONFIG_DEFAULTS.leaseDurationMs / 3),
    },
    sharding: { shards: CONFIG_DEFAULTS.shards },
    log: { level: CONFIG_DEFAULTS.logLevel, format: CONFIG_DEFAULTS.logFormat },
    notifications: {},
    approvers: {},
  };
}
