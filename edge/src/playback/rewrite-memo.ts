/**
 * This isolate's latest media-playlist rewrites. Segment tokens expire on minute boundaries so that viewers share
 * URLs (segment-token.ts): every viewer of one rendition sent to one node within that minute gets the same bytes,
 * so the rewrite (about 1 ms for 1,800 segments) is done once. Kept as a string: a Response may take over (detach) the
 * buffer it is given, and strings cannot be shared wrongly. Pure apart from its own memory.
 */
export interface RewrittenPlaylist {
  /** The origin's text it was rewritten from: another text (a live playlist that moved on) is a miss. */
  source: string;
  /**
   * The segment token's expiry and key, and the duration the expiry was computed from: another expiry (the next
   * minute) or key is a miss. The video (or live input) the token covers is in the memo key, so these fix the token.
   */
  expires: number;
  secret: string;
  durationSeconds: number;
  body: string;
}

export class RewriteMemo {
  private readonly entries = new Map<string, RewrittenPlaylist>();

  constructor(private readonly capacity = 32) {}

  /** The entry for `key` rewritten from `source`, most recently used from now on. */
  get(key: string, source: string): RewrittenPlaylist | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.source !== source) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Keeps `entry`, dropping the least recently used beyond the capacity (about 200 KB each for 1,800 segments). */
  set(key: string, entry: RewrittenPlaylist): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
