// Seeded randomness: every draw in the simulator comes from one of these streams, so a run is
// a function of its seed and the calls made to it. Separate streams per concern keep, say,
// HTTP probes from shifting the traffic model's draws.

/** mulberry32: small, fast, good enough for simulation. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** x rounded down or up, up with probability equal to its fraction: exact on average. */
  round(x: number): number {
    const base = Math.floor(x);
    return base + (this.next() < x - base ? 1 : 0);
  }

  /** Standard normal (Box-Muller). */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Successes in n trials of probability p: exact (by geometric gaps between successes, about
   * n·p + 1 draws) while n·p is small, a normal approximation above.
   */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const mean = n * p;
    if (mean < 10 || n - mean < 10) {
      const logQ = Math.log(1 - p);
      let hits = 0;
      for (let i = Math.floor(Math.log(1 - this.next()) / logQ); i < n; i += 1 + Math.floor(Math.log(1 - this.next()) / logQ)) hits++;
      return hits;
    }
    const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * this.gaussian());
    return Math.min(n, Math.max(0, draw));
  }

  /** Lower-case hex string of the given length. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0x10000).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }

  /** Characters drawn from an alphabet. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

/** A stream for one concern (`traffic`, `ids`, `faults`…), derived from the world seed. */
export function randomStream(seed: number, label: string): Random {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return new Random((hash ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** A one-off value from a seed and a key, independent of any stream's position. */
export function keyedRandom(seed: number, key: string): number {
  return randomStream(seed, key).next();
}
