import { isDuration, parseDuration } from '../api/duration.js';

/** Wrong arguments: the CLI exits 2, as with any usage error. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'Usage';
}

/** A duration flag's value in milliseconds; a usage error naming the flag when malformed. */
export function durationFlag(flag: string, value: string): number {
  if (!isDuration(value)) throw new UsageError(`${flag}: "${value}" is not a duration (use e.g. 30s, 5m, 1h30m)`);
  return parseDuration(value);
}
