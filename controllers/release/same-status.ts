// Whether a pass's status is the one the store already holds, as the store keeps it (JSON): a
// field set to undefined is no field, key order does not matter, an undefined array entry (or
// NaN) is null. Compared in place: most passes change nothing, and finding that out needs no
// JSON copies of both statuses on every pass.

/** A number JSON cannot hold (NaN, ±Infinity) is written as null. */
const asStored = (v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export function sameAsStored(a: unknown, b: unknown): boolean {
  a = asStored(a);
  b = asStored(b);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameAsStored(item ?? null, b[i] ?? null));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let fields = 0;
  for (const key of Object.keys(left)) {
    if (left[key] === undefined) continue;
    fields++;
    if (!Object.hasOwn(right, key) || !sameAsStored(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) fields--;
  return fields === 0;
}
