// Fast non-cryptographic hashing for rendezvous node choice (stickiness, not secrecy).

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, continuing from `seed`. */
export function fnv1a32(text: string, seed: number = FNV_OFFSET): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** murmur3's finalizer: FNV-1a alone avalanches poorly, which would bias rendezvous winners. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed 32-bit hash of the pair (node, content), independent across nodes. */
export function pairHash(nodeId: string, contentKey: string): number {
  return mix32(fnv1a32(contentKey, fnv1a32(nodeId) ^ 0x9e3779b9));
}
