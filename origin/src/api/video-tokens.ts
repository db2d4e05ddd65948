import { Hono } from 'hono';
import { z } from 'zod';
import type { VideoChatRoom } from '../../../contracts/channels.ts';
import { UserId } from '../../../contracts/chat.ts';
import { VideoId } from '../../../contracts/ids.ts';
import { watchRoom } from '../../../contracts/playback-token.ts';
import { getVideo } from '../db/videos.ts';
import { mintChatToken } from '../keys/chat-token.ts';
import { mintingKey, type SigningDeps } from '../keys/minting-key.ts';
import { mintPlaybackToken } from '../keys/playback-token.ts';
import { noVideo } from './videos.ts';
import { validate } from './validate.ts';

const Country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country codes in upper case, e.g. "FR"');
/** What an operator may put in a playback token, for a video or a live input. */
export const PlaybackTokenBody = z.object({
  ttlSeconds: z.number().int().min(10).max(7 * 24 * 3600).default(3600),
  countries: z.array(Country).max(300).optional(),
  blockedCountries: z.array(Country).max(300).optional(),
  ipRanges: z.array(z.string().max(64)).max(64).optional(),
  maxHeight: z.number().int().positive().optional(),
  /** When given, the watch URL also carries a chat token for this viewer in the room beside the player. */
  chatUser: z.object({ id: UserId, name: z.string().min(1).max(64) }).optional(),
});
export type PlaybackTokenBody = z.infer<typeof PlaybackTokenBody>;
const VideoParam = z.object({ id: VideoId });

/** A signed playback token and the two URLs it opens (HLS master, watch page), for a video or a live input (`live`). */
export async function signedPlayback(deps: SigningDeps, target: { id: string; live?: boolean; channel?: string; chat: VideoChatRoom }, body: PlaybackTokenBody) {
  const key = await mintingKey(deps);
  const countries = body.countries || body.blockedCountries ? { ...(body.countries ? { allow: body.countries } : {}), ...(body.blockedCountries ? { block: body.blockedCountries } : {}) } : undefined;
  const { token, expiresAt } = await mintPlaybackToken(key, { videoId: target.id, ttlSeconds: body.ttlSeconds, countries, ipRanges: body.ipRanges, maxHeight: body.maxHeight, channel: target.channel, live: target.live, chat: target.chat });
  const edge = deps.edgeUrl.replace(/\/$/, '');
  const room = watchRoom({ sub: target.id, live: target.live ? true : undefined, channel: target.channel, chat: target.chat });
  const chat = body.chatUser && room ? await mintChatToken(key, { room, userId: body.chatUser.id, name: body.chatUser.name, role: 'viewer', ttlSeconds: body.ttlSeconds }) : undefined;
  const watchUrl = `${edge}/watch/${target.id}?token=${token}${chat ? `&chatToken=${chat.token}` : ''}`;
  return { token, expiresAt, url: `${edge}/v/${token}/master.m3u8`, watchUrl };
}

/** `POST /v1/videos/:id/token` (mount at `/v1/videos`): a signed playback URL minted with the origin's managed key. */
export function videoTokenRoutes(deps: SigningDeps): Hono {
  const app = new Hono();
  app.post('/:id/token', validate('param', VideoParam), validate('json', PlaybackTokenBody), async (c) => {
    const { id } = c.req.valid('param');
    const video = await getVideo(deps.sql, id);
    if (!video || video.state === 'DELETED') throw noVideo(id);
    return c.json(await signedPlayback(deps, { id, channel: video.channelId ?? undefined, chat: video.chatRoom }, c.req.valid('json')));
  });
  return app;
}
