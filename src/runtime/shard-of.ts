// Which shard a Release belongs to: FNV-1a (32 bit) of its name's UTF-8 bytes, modulo the shard
// count. Every replica computes the same answer from the name alone, whatever its process, host
// or Node version; nothing random and no object order is involved.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

export function shardOf(release: string, shards: number): number {
  return shards <= 1 ? 0 : fnv1a32(release) % shards;
}

/** The lease that guards one shard: `<lease>/shard-<i>`. */
export function shardLeaseName(lease: string, shard: number): string {
  return `${lease}/shard-${shard}`;
}

/**
 * The lease every replica renews under the shard count it runs with (`shards=<N>`, the plain
 * lease's mode being N = 1): replicas of one count renew it together, another count cannot take
 * it until it has expired.
 */
export function shardCountLeaseName(lease: string): string {
  return `${lease}/shard-count`;
}

export function shardCountHolder(shards: number): string {
  return `shards=${shards}`;
}
