// Running the `git` command: credentials reach git through its environment (GIT_ASKPASS reading
// variables of the child process, or GIT_SSH_COMMAND), never through a URL or an argument, and
// anything that looks like a credential is scrubbed from the messages git prints.
import { spawn } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';

export type GitAuth =
  | { kind: 'token'; token?: string; tokenFile?: string; username?: string }
  | { kind: 'ssh'; keyFile: string; knownHostsFile?: string };

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  readonly code = 'GitFailed';
  constructor(
    message: string,
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

export interface GitRunner {
  run(args: string[], input?: string): Promise<Buffer>;
}

export interface GitRunnerOptions {
  /** The environment git runs with (PATH, HOME, proxies), given by the CLI. */
  env: Record<string, string | undefined>;
  /** Where the askpass helper is written (the source's cache folder). */
  helperDir: string;
  auth?: GitAuth;
  binary?: string;
  /** Kills a git command that hangs (a dead network peer); wall time, as it guards real I/O. */
  timeoutMs?: number;
}

const ASKPASS = `#!/bin/sh
# keelson: answers git's credential prompts from the variables of the git process only.
case "$1" in
  Username*|username*) printf '%s\\n' "$KEELSON_GIT_USERNAME" ;;
  *) printf '%s\\n' "$KEELSON_GIT_PASSWORD" ;;
esac
`;

/** Single-quotes a value for the shell that git uses to run GIT_SSH_COMMAND. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Removes `user:password@` from URLs and any known secret from text meant for logs and errors. */
export function redact(text: string, secrets: string[] = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

/** The variables that carry credentials to git, for the given auth. */
export async function credentialEnv(auth: GitAuth | undefined, askpassPath: string): Promise<{ env: Record<string, string>; secrets: string[] }> {
  if (!auth) return { env: {}, secrets: [] };
  if (auth.kind === 'ssh') {
    const options = ['-o IdentitiesOnly=yes', '-o StrictHostKeyChecking=accept-new'];
    if (auth.knownHostsFile) options.push(`-o UserKnownHostsFile=${shellQuote(auth.knownHostsFile)}`);
    return { env: { GIT_SSH_COMMAND: `ssh -i ${shellQuote(auth.keyFile)} ${options.join(' ')}` }, secrets: [] };
  }
  // Read at every command, so a rotated token file is picked up without a restart.
  const token = auth.tokenFile ? (await readFile(auth.tokenFile, 'utf8')).trim() : (auth.token ?? '');
  return {
    env: {
      GIT_ASKPASS: askpassPath,
      KEELSON_GIT_USERNAME: auth.username ?? 'x-access-token',
      KEELSON_GIT_PASSWORD: token,
    },
    secrets: [token],
  };
}

// Settings every command runs with, on the command line so no configuration file can undo them:
// no credential store on the host answers instead of the askpass helper, no hook runs, and the
// `ext::` transport (which runs a command) is off.
const FIXED_SETTINGS = ['-c', 'credential.helper=', '-c', 'core.hooksPath=/dev/null', '-c', 'protocol.ext.allow=never'];

export async function createGitRunner(options: GitRunnerOptions): Promise<GitRunner> {
  const askpassPath = join(options.helperDir, 'askpass.sh');
  if (options.auth?.kind === 'token') {
    await writeFileAtomic(askpassPath, ASKPASS);
    await chmod(askpassPath, 0o700);
  }
  return {
    async run(args, input) {
      const { env: credentials, secrets } = await credentialEnv(options.auth, askpassPath);
      // The system and user configuration (insteadOf, sshCommand, proxies with credentials) are
      // not keelson's to trust; the repository's own config is the one keelson wrote.
      const env = { ...options.env, ...credentials, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
      return runProcess(options.binary ?? 'git', args, env, input, options.timeoutMs ?? 120_000, secrets);
    },
  };
}

function runProcess(
  binary: string,
  args: string[],
  env: Record<string, string | undefined>,
  input: string | undefined,
  timeoutMs: number,
  secrets: string[],
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...FIXED_SETTINGS, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => reject(new GitCommandError(`cannot run ${binary}: ${e.message}`, args, '', null)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const stderr = redact(Buffer.concat(err).toString('utf8').trim(), secrets);
      const why = signal ? `killed by ${signal}` : `exit ${code}`;
      const shownArgs = redact(args.join(' '), secrets);
      reject(new GitCommandError(`git ${shownArgs} failed (${why}): ${stderr}`, args, stderr, code));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
