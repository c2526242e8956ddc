// Logs a person can read on a terminal, JSON lines everywhere else; secrets redacted in both.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat } from '../../src/cli/logger.js';
import { start, folderWithAepRelease, stopRunning, type Running } from './support/keelson.js';

/** A stream that keeps what is written, and says whether it is a terminal. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => text });
}

describe('the log format', () => {
  it('auto is pretty on a terminal and JSON elsewhere; json and pretty are what they say', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('redacts secrets in JSON lines and in readable lines alike', () => {
    for (const format of ['json', 'pretty'] as const) {
      const out = capture(false);
      const logger = createLogger({ level: 'info', format, out });
      logger.info({ source: { token: 'tok-123', url: 'https://example.com' }, headers: { authorization: 'Bearer abc' } }, 'source opened');
      logger.flush();
      expect(out.text(), format).toContain('source opened');
      expect(out.text(), format).toContain('[redacted]');
      expect(out.text(), format).not.toContain('tok-123');
      expect(out.text(), format).not.toContain('Bearer abc');
    }
  });

  it('pretty: one readable line with the time, the level, the message and the fields, no colour off a terminal', () => {
    const out = capture(false);
    createLogger({ level: 'info', format: 'pretty', out }).warn({ release: 'web', code: 'ThrottlingException' }, 'DescribeServices throttled');
    const line = out.text().trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{4}\] WARN: DescribeServices throttled \{.*"release":"web".*"code":"ThrottlingException".*\}$/);
    expect(line).not.toContain('\x1b[');
  });
});

describe('keelson run: the log format of the binary', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let running: Running | undefined;
  const args = (): string[] => ['run', '--source', `dir:${join(dir, 'releases')}`, '--state', `dir:${join(dir, 'state')}`, '--cloud', 'sim', '--port', '0'];

  beforeEach(async () => {
    ({ dir, remove } = await folderWithAepRelease());
  });
  afterEach(async () => {
    await stopRunning(running, 'SIGTERM');
    running = undefined;
    await remove();
  });

  it('prints JSON lines when stdout is not a terminal (auto, the default)', async () => {
    running = start(args(), dir);
    const line = await running.line((l) => l.includes('keelson running'));
    expect(JSON.parse(line)).toMatchObject({ level: 30, msg: 'keelson running', cloud: 'sim' });
  });

  it('prints readable lines with --log-format pretty, and with log.format: pretty in keelson.yaml', async () => {
    running = start([...args(), '--log-format', 'pretty'], dir);
    const line = await running.line((l) => l.includes('keelson running'));
    expect(line).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{4}\] INFO: keelson running \{.*"cloud":"sim".*\}$/);
    expect(line.startsWith('{')).toBe(false);
    running.child.kill('SIGTERM');
    await running.exited;

    await writeFile(join(dir, 'keelson.yaml'), 'log:\n  format: pretty\n');
    running = start([...args(), '--config', join(dir, 'keelson.yaml')], dir);
    expect(await running.line((l) => l.includes('keelson running'))).toMatch(/ INFO: keelson running /);
    running.child.kill('SIGTERM');
    await running.exited;

    // The flag wins over the file.
    running = start([...args(), '--config', join(dir, 'keelson.yaml'), '--log-format', 'json'], dir);
    expect(JSON.parse(await running.line((l) => l.includes('keelson running')))).toMatchObject({ msg: 'keelson running' });
  });
});
