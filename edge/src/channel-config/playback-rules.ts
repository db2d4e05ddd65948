/** Pure: what a channel's playback configuration allows (no KV, no request). */
import type { ChannelConfig } from '../../../contracts/channel-config.ts';

export type PlaybackRules = ChannelConfig['playback'];

/** Pure: the tallest variant a viewer gets: the token's `maxHeight` and the channel's `maxResolution`, whichever is lower. */
export function cappedMaxHeight(tokenMaxHeight: number | undefined, rules: PlaybackRules): number {
  return tokenMaxHeight === undefined ? rules.maxResolution : Math.min(tokenMaxHeight, rules.maxResolution);
}

/**
 * Pure: may a page on `origin` load this channel's playlists? No `Origin` header (a native player,
 * curl, a same-origin GET) is allowed; an empty list allows every origin.
 */
export function playerOriginAllowed(origin: string | undefined, rules: PlaybackRules): boolean {
  if (origin === undefined || rules.allowedPlayerOrigins.length === 0) return true;
  const asked = origin.toLowerCase();
  return rules.allowedPlayerOrigins.some((allowed) => allowed.toLowerCase() === asked);
}
