const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/** True when text is a duration such as `30s`, `5m`, `1h30m`, `250ms`. */
export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** Milliseconds in a duration string; throws on malformed input. */
export function parseDuration(text: string): number {
  if (!isDuration(text)) throw new Error(`not a duration: "${text}" (use e.g. 30s, 5m, 1h30m)`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

/** The shortest readable form: 90000 -> "1m30s". Called for every row of a table of thousands: no arrays. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const rest = Math.round(ms);
  if (rest < 1_000) return rest > 0 ? `${rest}ms` : '';
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1_000);
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
