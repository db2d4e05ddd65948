import type { VideoState } from '../videos/states.ts';
import type { MediaKind } from './media-path.ts';

export const immutableCache = 'public, max-age=31536000, immutable';
/** Long enough to absorb a burst of players, short enough that a new rendition shows up within seconds. */
export const shortCache = 'public, max-age=2';
/** Errors are not cached: a 404 for a segment being written must not outlive the write. */
export const noStore = 'no-store';

/**
 * Cache-Control of a media response. Outputs are written once, so once the video is READY every
 * stored object (segments, init, finished playlists, images) is immutable. The master is generated
 * from the DB and may gain variants (PLAYABLE → READY), and anything of a video still changing may
 * yet be removed (a final failure deletes partial outputs): both stay short.
 */
export function cacheControlFor(kind: MediaKind, state: VideoState): string {
  if (kind === 'master') return shortCache;
  return state === 'READY' ? immutableCache : shortCache;
}
