// How much manifest input keelson accepts, in one place. Every bound keeps the work and the
// output of validating a file proportional to what a person could have meant to write: a file
// past a limit is refused with a problem naming the limit, never parsed at any cost.
// docs/release-api.md ("Input limits") lists the same values.

export const INPUT_LIMITS = {
  /** Largest manifest file read, in bytes; larger files are refused unread. */
  maxFileBytes: 1024 * 1024,
  /** Most YAML documents (Releases) in one file. */
  maxDocumentsPerFile: 200,
  /** Deepest nesting of mappings and lists in one document. */
  maxDepth: 32,
  /** Most problems reported for one file (or one Release); the rest are counted in a last problem. */
  maxProblemsPerFile: 50,
  /** Most places (file:line) one message lists; the rest are counted: "and 4,998 more". */
  maxPlacesPerMessage: 5,
  /** Manifest bytes parsed in one turn of the event loop before timers and I/O get a turn. */
  bytesPerTurn: 64 * 1024,
} as const;

export type InputLimits = typeof INPUT_LIMITS;

const count = new Intl.NumberFormat('en-US');

/** `a:1, b:2, c:3 and 4,998 more`: at most `limit` places, the rest counted. */
export function listPlaces(places: readonly string[], total = places.length, limit: number = INPUT_LIMITS.maxPlacesPerMessage): string {
  const shown = places.slice(0, limit).join(', ');
  const rest = total - Math.min(places.length, limit);
  return rest > 0 ? `${shown} and ${count.format(rest)} more` : shown;
}

export function formatCount(n: number): string {
  return count.format(n);
}

/** Lets timers and I/O run between units of work (files, documents), so a big input never starves the lease. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Counts the bytes parsed and yields to the event loop each time bytesPerTurn have been, so a
 * big source is parsed over many turns while a small one (the usual case) still takes one.
 * Counted in bytes, not time, so where it yields is the same on every run.
 */
export class TurnBudget {
  private spent = 0;

  async spend(bytes: number): Promise<void> {
    this.spent += bytes;
    if (this.spent < INPUT_LIMITS.bytesPerTurn) return;
    this.spent = 0;
    await nextTurn();
  }
}
