import { Hono } from 'hono';
import { z } from 'zod';
import { ChannelSlug, type ChannelPageData } from '../../../contracts/channels.ts';
import { requireInternalSecret } from '../api/internal-auth.ts';
import { signedPlayback } from '../api/video-tokens.ts';
import { publicChannelVideos } from '../db/videos.ts';
import type { SigningDeps } from '../keys/minting-key.ts';
import { onAirLiveInput } from '../live/live-input-rows.ts';
import { getChannel } from './channel-rows.ts';
import { noChannel } from './routes.ts';

export interface ChannelPageRoutesDeps {
  signing: SigningDeps;
  internalSecret: string;
  /** How long the watch links on a channel page work (default 4 h): a viewer who opened the page watches on. */
  tokenTtlSeconds?: number;
}

const IdParam = z.object({ id: ChannelSlug });

/**
 * `GET /internal/channels/:id/page` (mount at `/internal/channels`; Bearer VORA_INTERNAL_SECRET): what the edge's
 * channel page `/c/{id}` shows — the channel, its public playable videos (newest first) each with a playback token,
 * and its live input with a live token while it is on air.
 */
export function channelPageRoutes(deps: ChannelPageRoutesDeps): Hono {
  const app = new Hono();
  const ttlSeconds = deps.tokenTtlSeconds ?? 4 * 3600;
  const { sql } = deps.signing;
  app.use('*', requireInternalSecret(deps.internalSecret, 'channelPageRoutes'));

  app.get('/:id/page', async (c) => {
    const parsed = IdParam.safeParse({ id: c.req.param('id') });
    if (!parsed.success) throw noChannel(c.req.param('id'));
    const channel = await getChannel(sql, parsed.data.id);
    if (!channel) throw noChannel(parsed.data.id);
    const token = async (target: Parameters<typeof signedPlayback>[1]) => (await signedPlayback(deps.signing, target, { ttlSeconds: ttlSeconds })).token;
    const [videos, live] = await Promise.all([publicChannelVideos(sql, channel.id), onAirLiveInput(sql, channel.id)]);
    const page: ChannelPageData = {
      channel: { id: channel.id, title: channel.title, description: channel.description, avatarUrl: channel.avatarUrl },
      videos: await Promise.all(
        videos.map(async (video) => ({
          id: video.id,
          title: video.title,
          durationSeconds: video.durationSeconds,
          createdAt: video.createdAt.toISOString(),
          token: await token({ id: video.id, channel: channel.id, chat: video.chatRoom }),
        })),
      ),
      live: live ? { inputId: live.id, title: live.title, token: await token({ id: live.id, live: true, channel: channel.id, chat: 'channel' }) } : null,
    };
    return c.json(page, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}
