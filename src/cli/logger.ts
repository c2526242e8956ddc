// The controller's logger: JSON lines for machines (pipes, containers, CI), readable lines for a
// person at a terminal. Secrets are redacted by pino before either format sees a line.
import pino, { type Logger, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/config.js';


/** Field paths whose values never reach a log line, whatever its format. */
export const REDACT: NonNullable<LoggerOptions['redact']> = {
  paths: ['*.token', '*.apiToken', '*.secret', '*.authorization', 'headers.authorization', '*.headers.authorization', '*.tokens[*].token'],
  censor: '[redacted]',
};

/** auto is pretty only on a terminal: a pipe or a log collector wants one JSON object a line. */
export function resolveLogFormat(format: LogFormat, isTerminal: boolean): 'json' | 'pretty' {
  if (format === 'auto') return isTerminal ? 'pretty' : 'json';
  return format;
}

export interface LoggerSettings {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; stdout unless a test gives another stream. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createLogger({ level, format, out = process.stdout }: LoggerSettings): Logger {
  const isTerminal = out.isTTY === true;
  const options: LoggerOptions = { level, redact: REDACT };
  if (resolveLogFormat(format, isTerminal) === 'json') return out === process.stdout ? pino(options) : pino(options, out);
  const pretty = PinoPretty({
    destination: out,
    sync: true,
    // Colour only where a person reads it; `--log-format pretty` into a file stays plain text.
    colorize: isTerminal,
    // Local time with its offset: what a person compares to their clock and to other logs.
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino(options, pretty);
}
