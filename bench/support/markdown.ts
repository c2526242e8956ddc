// Small helpers for the figures' markdown.

/** A markdown table; cells are written as given. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A whole number with thousands separators: 12,345. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Minutes with one decimal. */
export function minutes(ms: number): string {
  return (ms / 60_000).toFixed(1);
}

/** `a / b` as `12×`, `∞` when b is 0 and a is not, `—` when both are 0. */
export function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? '—' : '∞';
  const r = a / b;
  return r >= 100 ? `${Math.round(r)}×` : `${r.toFixed(1)}×`;
}

/** True when this module is the script node was started with (`npx tsx bench/x.ts`). */
export function isMain(url: string): boolean {
  return url === `file://${process.argv[1]}`;
}
