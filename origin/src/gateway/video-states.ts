import { getVideo } from '../db/videos.ts';
import type { Sql } from '../db/sql.ts';
import type { VideoState } from '../videos/states.ts';

export type VideoStateLookup = (videoId: string) => Promise<VideoState | null>;

export interface VideoStateCacheOptions {
  /** How long an answer is reused: a state change shows within this time. */
  ttlMs?: number;
  /** Past this many ids the cache starts over (bounds memory against id scans). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Wraps a lookup so that a burst of segment requests for one video costs one DB query, not one per
 * segment. Concurrent misses share one query; failures are not cached.
 */
export function cachedVideoStates(load: VideoStateLookup, options: VideoStateCacheOptions = {}): VideoStateLookup {
  const ttlMs = options.ttlMs ?? 1_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; state: Promise<VideoState | null> }>();
  return (videoId) => {
    const cached = entries.get(videoId);
    if (cached && now() - cached.at < ttlMs) return cached.state;
    if (entries.size >= maxEntries) entries.clear();
    const state = load(videoId);
    entries.set(videoId, { at: now(), state });
    state.catch(() => {
      if (entries.get(videoId)?.state === state) entries.delete(videoId);
    });
    return state;
  };
}

/** The state of a video as the DB has it, or null when there is no such video. */
export function videoStatesFromDb(sql: Sql): VideoStateLookup {
  return async (videoId) => (await getVideo(sql, videoId))?.state ?? null;
}
