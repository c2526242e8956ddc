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
