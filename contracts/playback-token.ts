import { z } from 'zod';
import { VideoChatRoom } from './channels.ts';
import { parseCidr } from './cidr.ts';
import { ChannelId, channelRoom, VideoId, videoRoom } from './ids.ts';

/** The playback token's claims: the origin (or an app's signer) writes exactly this shape, the edge verifies it. */

const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'countries are ISO 3166-1 alpha-2 codes in upper case, e.g. "FR"');

export const PlaybackClaims = z.object({
  /** The video id the token opens (the live input id when `live`). */
  sub: VideoId,
  /** The token opens live input `sub`: its playlists under the gateway's /media/live/{sub}/, its segments under the same prefix on the nodes. */
  live: z.literal(true).optional(),
  exp: z.number().int(),
  nbf: z.number().int().optional(),
  iat: z.number().int().optional(),
  /** Viewer country (from the CDN) must be in `allow` when given, and never in `block`. */
  countries: z
    .object({ allow: z.array(CountryCode).max(300).optional(), block: z.array(CountryCode).max(300).optional() })
    .optional(),
  /** The viewer's IP must be in one of these CIDR ranges (IPv4 or IPv6). */
  ipRanges: z
    .array(z.string().max(64).refine((range) => parseCidr(range) !== null, 'ipRanges entries must be CIDR ranges such as 203.0.113.0/24 or 2001:db8::/32'))
    .max(64)
    .optional(),
  /** Highest video variant the viewer may get (e.g. 720); the master is filtered to it. */
  maxHeight: z.number().int().positive().optional(),
  /** The channel the video belongs to: its configuration (KV `config:{rootHash}`) caps `maxHeight` and limits player origins (edge/src/channel-config). */
  channel: ChannelId.optional(),
  /** The chat room beside the player (`watchRoom`): the channel's, the video's own, or none. The origin always sets it. */
  chat: VideoChatRoom.optional(),
});
export type PlaybackClaims = z.infer<typeof PlaybackClaims>;

/**
 * The chat room beside what a token plays, or null when it has none. `chat: 'channel'` (the origin's default
 * for a video of a channel, and for a channel's live input) is the channel's room, shared by all its videos;
 * `'video'` is the video's own room. A token without the claim (an app's own signer, or minted before channels)
 * keeps the earlier rule: a live input of a channel shares the channel's room, anything else has its own.
 * The origin mints chat tokens for this room, the edge lets playback-token holders read it, the watch page joins it.
 */
export function watchRoom(claims: Pick<PlaybackClaims, 'sub' | 'live' | 'channel' | 'chat'>): string | null {
  if (claims.chat === 'off') return null;
  if (claims.chat === 'video') return videoRoom(claims.sub);
  const shared = claims.chat === 'channel' || claims.live === true;
  return shared && claims.channel ? channelRoom(claims.channel) : videoRoom(claims.sub);
}
