import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ChannelSlug, CreateChannelBody, UpdateChannelBody } from '../../../contracts/channels.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { Sql } from '../db/sql.ts';
import { createChannel, deleteChannel, getChannel, listChannels, updateChannel } from './channel-rows.ts';
import { channelView } from './channel-view.ts';
import { getTwitchLink } from '../twitch-link/link-rows.ts';
import type { Channel } from './channel-rows.ts';

export interface ChannelRoutesDeps {
  sql: Sql;
  log: Logger;
  /** Runs before a channel is deleted (its Twitch link's subscriptions are deleted at Twitch); a throw keeps the channel. */
  beforeDelete?: (channelId: string) => Promise<void>;
}

const IdParam = z.object({ id: ChannelSlug });

export const noChannel = (id: string) => new ApiError(404, `no channel ${id}: \`vora channels ls\` lists them, \`vora channels create ${id} --title …\` makes it`);

/**
 * `/v1/channels` (mount with `app.route('/v1/channels', channelRoutes(deps))`, beside the configuration
 * routes `/:id/config`; operator auth is applied by the caller): create, list, read, change, delete.
 */
export function channelRoutes(deps: ChannelRoutesDeps): Hono {
  const { sql, log } = deps;
  const app = new Hono();
  const view = async (channel: Channel) => channelView(channel, await getTwitchLink(sql, channel.id));

  app.post('/', validate('json', CreateChannelBody), async (c) => {
    const body = c.req.valid('json');
    const created = await createChannel(sql, body);
    if (!created.ok) throw new ApiError(409, `channel ${body.id} exists already: pick another id, or change it with PATCH /v1/channels/${body.id}`);
    log.info({ event: 'channel_created', channelId: body.id }, 'channel created');
    return c.json(await view(created.channel), 201, { Location: `/v1/channels/${body.id}` });
  });

  app.get('/', async (c) => c.json({ channels: await Promise.all((await listChannels(sql)).map(view)) }));

  app.get('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const channel = await getChannel(sql, id);
    if (!channel) throw noChannel(id);
    return c.json(await view(channel));
  });

  app.patch('/:id', validate('param', IdParam), validate('json', UpdateChannelBody), async (c) => {
    const { id } = c.req.valid('param');
    const channel = await updateChannel(sql, id, c.req.valid('json'));
    if (!channel) throw noChannel(id);
    log.info({ event: 'channel_updated', channelId: id }, 'channel updated');
    return c.json(await view(channel));
  });

  app.delete('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await getChannel(sql, id))) throw noChannel(id);
    await deps.beforeDelete?.(id);
    const detached = await deleteChannel(sql, id);
    if (!detached) throw noChannel(id);
    log.info({ event: 'channel_deleted', channelId: id, ...detached }, 'channel deleted; its videos and live inputs were detached');
    return c.json({ id, deleted: true, detached });
  });

  return app;
}
