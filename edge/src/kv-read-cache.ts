/**
 * A per-isolate memo of KV reads that every request makes (the playback keys, the node list): KV answers them
 * from its own cache anyway, but each read is still a round trip; one per second per isolate is enough.
 * Writes made by this isolate drop the entry at once; other isolates see them within `maxAgeMs`.
 *
 * Only settled values are shared, never a read in flight: a promise belongs to the request whose I/O settles it, and
 * another request awaiting it runs on in that request's context — once that one has answered, its I/O is refused
 * ("Cannot perform I/O on behalf of a different request") and workerd cancels the waiter as hung (the soak met both).
 */
export class KvReadCache<T> {
  private entry: { value: T; readAt: number } | null = null;

  constructor(private readonly read: () => Promise<T>) {}

  /** The cached value when younger than `maxAgeMs` (0: always read), else a fresh read of this caller's own. */
  async get(maxAgeMs: number, now: number): Promise<T> {
    if (maxAgeMs > 0 && this.entry && now - this.entry.readAt < maxAgeMs) return this.entry.value;
    const value = await this.read();
    // A slower read that started earlier must not replace a newer entry.
    if (!this.entry || this.entry.readAt <= now) this.entry = { value, readAt: now };
    return value;
  }

  /** After a write (or a miss that a newer value may answer): the next get reads KV. */
  invalidate(): void {
    this.entry = null;
  }
}

/** `KV_CACHE_MS` from the environment: how old a memoised read may be (default 1000 ms; 0 turns the memo off). */
export function kvCacheMs(value: string | undefined): number {
  if (value === undefined || value === '') return 1000;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 60_000) : 1000;
}

/** One memo per KV binding (a binding is one object for the isolate's life). */
export function memoFor<K extends object, T>(memos: WeakMap<K, KvReadCache<T>>, kv: K, read: () => Promise<T>): KvReadCache<T> {
  let memo = memos.get(kv);
  if (!memo) {
    memo = new KvReadCache(read);
    memos.set(kv, memo);
  }
  return memo;
}
