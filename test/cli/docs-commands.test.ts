// Every shell block in README.md and docs/*.md marked ```sh runnable is run as written, line by
// line, in a fresh folder against the simulated AWS, so the documentation cannot drift from the
// command. A line's trailing `# exit N` is the exit code it must have (0 otherwise); `keelson run`
// stays up in the background for the lines after it, as it would in a second terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINARY, cleanEnv, ROOT } from './support/keelson.js';

interface Block {
  file: string;
  line: number;
  commands: { text: string; line: number; exit: number }[];
}

/** Runnable blocks of one markdown file, their commands joined across `\` continuations. */
function runnableBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash) runnable\s*$/.test(lines[i] ?? '')) continue;
    const block: Block = { file, line: i + 1, commands: [] };
    let pending: { text: string; line: number } | undefined;
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) {
      const raw = lines[i] ?? '';
      const joined = pending ? `${pending.text} ${raw.trim()}` : raw.trim();
      const start = pending?.line ?? i + 1;
      if (joined.endsWith('\\')) {
        pending = { text: joined.slice(0, -1).trim(), line: start };
        continue;
      }
      pending = undefined;
      if (joined === '' || joined.startsWith('#')) continue;
      const exit = /#\s*exit (\d+)\b/.exec(joined);
      block.commands.push({ text: joined, line: start, exit: exit ? Number(exit[1]) : 0 });
    }
    blocks.push(block);
  }
  return blocks;
}

async function allBlocks(): Promise<Block[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  const blocks: Block[] = [];
  for (const file of ['README.md', ...docs]) blocks.push(...runnableBlocks(file, await readFile(join(ROOT, file), 'utf8')));
  return blocks;
}

// `keelson` and `npx keelson` are the built command; everything else is the shell's.
const PRELUDE = `keelson() { node ${JSON.stringify(BINARY)} "$@"; }
npx() { if [ "$1" = keelson ]; then shift; keelson "$@"; else command npx "$@"; fi; }
set -o pipefail
`;

function shell(command: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn('bash', ['-c', `${PRELUDE}${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function outcome(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

const isController = (command: string): boolean => /^(npx )?keelson run\b/.test(command);

/** Starts the controller and resolves once it has reconciled something (or has said it runs, if there is nothing). */
async function background(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = shell(command, cwd, env);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (output.includes('"reconcileId"')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited ${code} before it reconciled anything:\n${output}`)));
    setTimeout(() => (output.includes('keelson running') ? resolve() : reject(new Error(`${command} did not start:\n${output}`))), 30_000);
  });
  return child;
}

const blocks = await allBlocks();

describe('commands in README.md and docs/*.md marked runnable', () => {
  it('include the README\'s first Release', () => {
    expect(blocks.filter((b) => b.file === 'README.md').flatMap((b) => b.commands.map((c) => c.text)).join('\n')).toContain('keelson validate manifests/examples');
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s runs as written', async (_where, block) => {
    const dir = await mkdtemp(join(tmpdir(), 'keelson-docs-'));
    const running: ChildProcess[] = [];
    try {
      for (const shared of ['manifests', 'schemas']) await symlink(join(ROOT, shared), join(dir, shared));
      // Any free port: the documented default (8080) may be taken on the machine running this.
      await writeFile(join(dir, 'keelson.yaml'), 'http:\n  port: 0\n');
      const env = { ...cleanEnv(), KEELSON_CONFIG: join(dir, 'keelson.yaml') };
      for (const command of block.commands) {
        if (isController(command.text)) {
          running.push(await background(command.text, dir, env));
          continue;
        }
        const { code, output } = await outcome(shell(command.text, dir, env), 60_000);
        expect(code, `${block.file}:${command.line}: ${command.text}\n${output}`).toBe(command.exit);
      }
    } finally {
      // The whole process group: keelson run shuts down after its shell, still writing its folder.
      await Promise.all(running.map((c) => stopGroup(c.pid as number)));
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** SIGTERM to a process group, then wait until none of it is left (SIGKILL after 10 s). */
async function stopGroup(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGTERM');
  for (let waited = 0; alive(); waited += 50) {
    if (waited === 10_000) process.kill(-pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}
