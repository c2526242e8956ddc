// Secrets named in the configuration, read when needed; an unset variable or missing file is
// an error that names where the secret was expected, never what it is.
import { readFile } from 'node:fs/promises';
import type { GitAuth } from '../sources/git-command.js';
import type { GitSourceConfig, SecretRef } from './config.js';

export class SecretError extends Error {
  override readonly name = 'SecretError';
  readonly code = 'SecretUnavailable';
}

export async function resolveSecret(ref: SecretRef, env: Record<string, string | undefined>): Promise<string> {
  if ('value' in ref) return ref.value;
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') throw new SecretError(`environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    return (await readFile(ref.file, 'utf8')).trim();
  } catch (err) {
    throw new SecretError(`cannot read secret file ${ref.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** The Git source's credentials: a token file is handed on (read at every fetch, so rotation works). */
export async function gitAuthFromConfig(source: GitSourceConfig, env: Record<string, string | undefined>): Promise<GitAuth | undefined> {
  if (source.sshKeyFile) {
    return { kind: 'ssh', keyFile: source.sshKeyFile, ...(source.knownHostsFile ? { knownHostsFile: source.knownHostsFile } : {}) };
  }
  if (!source.token) return undefined;
  const username = source.username ? { username: source.username } : {};
  if ('file' in source.token) return { kind: 'token', tokenFile: source.token.file, ...username };
  return { kind: 'token', token: await resolveSecret(source.token, env), ...username };
}
