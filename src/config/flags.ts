// Command-line flags into the same configuration type as keelson.yaml:
//   --source dir:PATH | git:URL#BRANCH:PATH | dynamodb:TABLE   (repeatable; replaces the file's sources)
//   --state  dir:PATH | dynamodb:TABLE
//   --cloud  aws | sim | sim:WORLD
import { urlHasPassword } from '../sources/git-url.js';
import { CONFIG_DEFAULTS, type CloudConfig, type KeelsonConfig, type SourceConfig, type StateConfig } from './config.js';

export class FlagError extends Error {
  override readonly name = 'FlagError';
  readonly code = 'InvalidFlag';
  constructor(
    readonly flag: string,
    readonly value: string,
    message: string,
  ) {
    super(`${flag} ${value}: ${message}`);
  }
}

export interface ConfigFlags {
  source?: string[];
  state?: string;
  cloud?: string;
  region?: string;
  endpoint?: string;
  port?: number;
}

function splitKind(flag: string, value: string, kinds: readonly string[]): [string, string] {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  if (!kinds.includes(kind)) throw new FlagError(flag, value, `must start with ${kinds.map((k) => `${k}:`).join(', ')}`);
  return [kind, colon < 0 ? '' : value.slice(colon + 1)];
}

/**
 * `git:https://github.com/acme/deploy.git#main:releases`, `git:git@github.com:acme/deploy.git#prod`,
 * `git:/srv/deploy.git`: the URL runs to the last `#`; after it the branch, then `:` and the path.
 */
export function parseSourceFlag(value: string): SourceConfig {
  const [kind, rest] = splitKind('--source', value, ['dir', 'git', 'dynamodb']);
  if (rest === '') throw new FlagError('--source', value, `${kind}: needs ${kind === 'dir' ? 'a folder' : kind === 'git' ? 'a repository URL' : 'a table name'}`);
  if (kind === 'dir') return { kind: 'dir', path: rest, pollIntervalMs: CONFIG_DEFAULTS.dirPollIntervalMs };
  if (kind === 'dynamodb') return { kind: 'dynamodb', table: rest, pollIntervalMs: CONFIG_DEFAULTS.dynamodbPollIntervalMs };
  const hash = rest.lastIndexOf('#');
  const url = hash < 0 ? rest : rest.slice(0, hash);
  const ref = hash < 0 ? '' : rest.slice(hash + 1);
  const colon = ref.indexOf(':');
  const branch = (colon < 0 ? ref : ref.slice(0, colon)) || CONFIG_DEFAULTS.gitBranch;
  const path = colon < 0 ? '' : ref.slice(colon + 1);
  if (url === '') throw new FlagError('--source', value, 'git: needs a repository URL');
  if (urlHasPassword(url)) {
    throw new FlagError('--source', 'git:<url with a password>', 'put the token in keelson.yaml (git.token) or the environment, not in the URL');
  }
  return { kind: 'git', url, branch, path, pollIntervalMs: CONFIG_DEFAULTS.gitPollIntervalMs };
}

export function parseStateFlag(value: string): StateConfig {
  const [kind, rest] = splitKind('--state', value, ['dir', 'dynamodb']);
  if (rest === '') throw new FlagError('--state', value, `${kind}: needs ${kind === 'dir' ? 'a folder' : 'a table name'}`);
  return kind === 'dir' ? { kind: 'dir', path: rest } : { kind: 'dynamodb', table: rest };
}

export function parseCloudFlag(value: string): Pick<CloudConfig, 'provider' | 'world'> {
  const [kind, rest] = splitKind('--cloud', value, ['aws', 'sim']);
  if (kind === 'aws') {
    if (rest !== '') throw new FlagError('--cloud', value, 'aws takes no argument');
    return { provider: 'aws' };
  }
  return rest === '' ? { provider: 'sim' } : { provider: 'sim', world: rest };
}

/** The configuration with the flags given on the command line laid over it. */
export function applyFlags(config: KeelsonConfig, flags: ConfigFlags): KeelsonConfig {
  const cloud: CloudConfig = { ...config.cloud };
  if (flags.cloud !== undefined) {
    const chosen = parseCloudFlag(flags.cloud);
    delete cloud.world;
    Object.assign(cloud, chosen);
  }
  if (flags.region !== undefined) cloud.region = flags.region;
  if (flags.endpoint !== undefined) cloud.endpoint = flags.endpoint;
  return {
    ...config,
    sources: flags.source && flags.source.length > 0 ? flags.source.map(parseSourceFlag) : config.sources,
    state: flags.state !== undefined ? parseStateFlag(flags.state) : config.state,
    cloud,
    http: flags.port !== undefined ? { ...config.http, port: flags.port } : config.http,
  };
}
