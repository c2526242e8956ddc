// The heavy hostile inputs, each in a child process with a memory cap and a generous kill
// deadline: every one must end with a clean, bounded error from `keelson validate`, never an
// out-of-memory crash, a hang or output that grows with the square of the input.
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseYaml } from '../helpers/releases.js';
import { BINARY, cleanEnv } from './support/keelson.js';

const MEMORY_MB = 256;
const KILL_AFTER_MS = 60_000;

interface Ended {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function validate(args: string[], cwd: string): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${MEMORY_MB}`, BINARY, 'validate', ...args],
      { cwd, env: cleanEnv(), timeout: KILL_AFTER_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        resolve({ code: typeof e?.code === 'number' ? e.code : e ? null : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keelson-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keelson validate under a memory cap', { timeout: KILL_AFTER_MS + 30_000 }, () => {
  it('a 7 MB file of 5,000 Releases with one name: refused by its size, a clean error', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, Array.from({ length: 5_000 }, () => `${releaseYaml('same')}  labels: {pad: ${'x'.repeat(1_100)}}\n`).join('---\n'));
    const ended = await validate(['-o', 'json', file], dir);
    expect(ended).toMatchObject({ code: 1, signal: null });
    const { problems } = JSON.parse(ended.stdout) as { problems: { code: string; message: string }[] };
    expect(problems).toEqual([expect.objectContaining({ code: 'limit', message: expect.stringMatching(/over the limit of 1,048,576 bytes/) })]);
  });

  it('6,000 Releases with one name over 30 files: bounded messages, output linear in the input', async () => {
    const folder = join(dir, 'dupes');
    await mkdir(folder);
    const text = Array.from({ length: 200 }, () => releaseYaml('same')).join('---\n');
    await Promise.all(Array.from({ length: 30 }, (_, i) => writeFile(join(folder, `f${i}.yaml`), text)));
    const ended = await validate(['-o', 'json', folder], dir);
    expect(ended).toMatchObject({ code: 1, signal: null });
    expect(ended.stdout.length).toBeLessThan(6_000 * 600);
    const { problems } = JSON.parse(ended.stdout) as { problems: { code: string; message: string }[] };
    expect(problems.length).toBeLessThanOrEqual(6_000 + 30);
    for (const p of problems) expect(p.message.length).toBeLessThan(400);
    expect(problems[0]?.message).toMatch(/5,999 other Releases are also named "same" .* and 5,994 more\)/);
  });

  it('a FIFO named directly ends at once with a clean error instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const ended = await validate([fifo], dir);
    expect(ended).toMatchObject({ code: 1, signal: null });
    expect(ended.stderr).toMatch(/pipe\.yaml: is a FIFO, not a regular file/);
  });

  it('an endless device named directly (/dev/zero) is refused unread', async () => {
    const ended = await validate(['/dev/zero'], dir);
    expect(ended).toMatchObject({ code: 1, signal: null });
    expect(ended.stderr).toMatch(/\/dev\/zero: is a device, not a regular file/);
  });
});
