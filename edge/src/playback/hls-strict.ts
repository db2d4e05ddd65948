// Named imports: hls-parser is CommonJS with __esModule, so a default import is undefined under some interop modes.
import { getOptions, parse, setOptions, stringify } from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types.js';

export type PlaylistResult<T> = { ok: true; playlist: T } | { ok: false; error: string };

/** Playlists from the origin are untrusted; past this size something is wrong upstream. */
export const MAX_PLAYLIST_CHARS = 8 * 1024 * 1024;

/**
 * hls-parser in strict mode (it throws instead of logging), restoring the caller's options after:
 * the options are module-global and parsing is synchronous, so nothing else can observe the switch.
 */
export function parseStrict(text: string): PlaylistResult<MasterPlaylist | MediaPlaylist> {
  if (text.length > MAX_PLAYLIST_CHARS) return { ok: false, error: `playlist is ${text.length} characters, over the ${MAX_PLAYLIST_CHARS} limit` };
  const saved = getOptions();
  setOptions({ strictMode: true, silent: true });
  try {
    return { ok: true, playlist: parse(text) as MasterPlaylist | MediaPlaylist };
  } catch (error) {
    return { ok: false, error: `malformed playlist: ${(error as Error).message}` };
  } finally {
    setOptions({ strictMode: false, silent: false, ...saved });
  }
}

export function stringifyPlaylist(playlist: MasterPlaylist | MediaPlaylist): PlaylistResult<string> {
  try {
    return { ok: true, playlist: stringify(playlist) };
  } catch (error) {
    return { ok: false, error: `playlist cannot be written back: ${(error as Error).message}` };
  }
}
