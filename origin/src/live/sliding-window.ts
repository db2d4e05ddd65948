// Named imports: hls-parser is CommonJS with __esModule, so a default import is undefined under some interop modes.
import { parse, stringify } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';

/** How much of a live playlist players see: 10 segments of 2 s (hls.js starts 3 target durations from the end). */
export const LIVE_WINDOW_SEGMENTS = 10;

export type WindowResult = { ok: true; text: string; ended: boolean } | { ok: false; error: string };

/**
 * A live media playlist as players get it: the stored EVENT playlist (every segment of the broadcast) cut to its
 * newest `windowSegments`. MEDIA-SEQUENCE moves by the segments dropped and DISCONTINUITY-SEQUENCE by the
 * discontinuities dropped with them, so players keep their place; the init segment stays attached to the first
 * listed segment. An ended broadcast is served whole (it is a recording now). Pure.
 */
export function slidingWindow(stored: string, windowSegments = LIVE_WINDOW_SEGMENTS): WindowResult {
  let playlist: MediaPlaylist;
  try {
    const parsed = parse(stored);
    if (parsed.isMasterPlaylist) return { ok: false, error: 'a master playlist where a media playlist was expected' };
    playlist = parsed as MediaPlaylist;
  } catch (error) {
    return { ok: false, error: `malformed live playlist: ${(error as Error).message}` };
  }
  if (playlist.endlist) return { ok: true, text: stored, ended: true };
  const dropped = Math.max(0, playlist.segments.length - windowSegments);
  if (dropped === 0) return { ok: true, text: stored, ended: false };
  const droppedDiscontinuities = playlist.segments.slice(0, dropped).filter((segment) => segment.discontinuity).length;
  const kept = playlist.segments.slice(dropped);
  playlist.segments = kept;
  playlist.mediaSequenceBase = (playlist.mediaSequenceBase ?? 0) + dropped;
  playlist.discontinuitySequenceBase = (playlist.discontinuitySequenceBase ?? 0) + droppedDiscontinuities;
  // An EVENT playlist may only grow; a window removes segments, so it is a plain live playlist.
  playlist.playlistType = undefined;
  return { ok: true, text: stringify(playlist), ended: false };
}
