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

/** The shortest readable form: 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 && parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}
