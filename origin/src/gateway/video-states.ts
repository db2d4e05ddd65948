import { getVideo } from '../db/videos.ts';
import type { Sql } from '../db/sql.ts';
import type { VideoState } from '../videos/states.ts';

export type VideoStateLookup = (videoId: string) => Promise<VideoState | null>;

export interface VideoStateCacheOptions {
  /** How long an answer is reused as is: a state change shows within this time (plus one query). */
  ttlMs?: number;
  /** Past the TTL, the last answer is still given for this long while one query refreshes it in the background. */
  staleMs?: number;
  /** Past this many ids the cache starts over (bounds memory against id scans). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Wraps a lookup so that a burst of segment requests for one video costs one DB query, not one per
 * segment. Concurrent misses share one query; failures are not cached. Once an answer is older than the
 * TTL, the next request still gets it and starts the refresh; otherwise one segment a second (1 % of them
 * at 100/s: the p99) would wait for a query that PGlite runs on the event loop.
 */
export function cachedVideoStates(load: VideoStateLookup, options: VideoStateCacheOptions = {}): VideoStateLookup {
  const ttlMs = options.ttlMs ?? 1_000;
  const staleMs = options.staleMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; state: Promise<VideoState | null> }>();
  const refreshing = new Set<string>();
  const loadInto = (videoId: string) => {
    if (entries.size >= maxEntries) entries.clear();
    const entry = { at: now(), state: load(videoId) };
    entries.set(videoId, entry);
    entry.state.catch(() => {
      if (entries.get(videoId) === entry) entries.delete(videoId);
    });
    return entry.state;
  };
  const refreshInBackground = (videoId: string) => {
    refreshing.add(videoId);
    load(videoId).then(
      (state) => void entries.set(videoId, { at: now(), state: Promise.resolve(state) }),
      () => undefined, // the stale answer stays until staleMs runs out; then a request asks the DB itself
    ).finally(() => refreshing.delete(videoId));
  };
  return (videoId) => {
    const cached = entries.get(videoId);
    if (!cached) return loadInto(videoId);
    const age = now() - cached.at;
    if (age < ttlMs) return cached.state;
    if (age >= ttlMs + staleMs) return loadInto(videoId);
    if (!refreshing.has(videoId)) refreshInBackground(videoId);
    return cached.state;
  };
}

/** The state of a video as the DB has it, or null when there is no such video. */
export function videoStatesFromDb(sql: Sql): VideoStateLookup {
  return async (videoId) => (await getVideo(sql, videoId))?.state ?? null;
}
