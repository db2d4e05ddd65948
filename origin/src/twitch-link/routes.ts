import { Hono } from 'hono';
import { z } from 'zod';
import { ChannelSlug, LinkTwitchBody } from '../../../contracts/channels.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { channelExists } from '../channels/channel-rows.ts';
import { noChannel } from '../channels/routes.ts';
import { linkTwitch, unlinkTwitch, type LinkOutcome, type TwitchLinkDeps } from './link-twitch.ts';
import type { TwitchWebhookCounters } from '../webhooks/twitch-routes.ts';

const IdParam = z.object({ id: ChannelSlug });

/** What the API answers for each refused link, by reason. */
const linkStatus: Record<Exclude<LinkOutcome, { ok: true }>['reason'], 409 | 422 | 502> = {
  no_such_user: 422,
  channel_linked: 409,
  broadcaster_linked: 409,
  twitch_refused: 502,
};

/**
 * `POST /v1/channels/:id/twitch {login}` and `DELETE /v1/channels/:id/twitch` (mounted at `/v1/channels`), and
 * `GET /v1/twitch/stats` (`statsRoutes`). Without Twitch credentials, linking answers 503 naming the variables.
 */
export function twitchLinkRoutes(deps: TwitchLinkDeps | { missing: string[] }): Hono {
  const app = new Hono();
  const configured = (): TwitchLinkDeps => {
    if ('missing' in deps) throw new ApiError(503, `Twitch linking is not configured: set ${deps.missing.join(', ')} on the origin (README "Twitch")`, { code: 'twitch_not_configured' });
    return deps;
  };

  app.post('/:id/twitch', validate('param', IdParam), validate('json', LinkTwitchBody), async (c) => {
    const { id } = c.req.valid('param');
    const twitch = configured();
    if (!(await channelExists(twitch.sql, id))) throw noChannel(id);
    const outcome = await linkTwitch(twitch, id, c.req.valid('json').login);
    if (!outcome.ok) throw new ApiError(linkStatus[outcome.reason], outcome.message, { code: outcome.reason });
    return c.json(outcome.link, 201);
  });

  app.delete('/:id/twitch', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const outcome = await unlinkTwitch(configured(), id);
    if (!outcome.ok) throw new ApiError(outcome.reason === 'not_linked' ? 404 : 502, outcome.message, { code: outcome.reason });
    return c.json({ channelId: id, unlinked: true, deletedSubscriptions: outcome.deleted });
  });

  return app;
}

/** `GET /v1/twitch/stats` (mounted at `/v1/twitch`): what the webhook did with Twitch's messages since the origin started. */
export function twitchStatsRoutes(counters: TwitchWebhookCounters): Hono {
  return new Hono().get('/stats', (c) => c.json({ ...counters }));
}
