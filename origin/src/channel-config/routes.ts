import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigUpdate } from '../../../contracts/channel-config.ts';
import { ChannelId } from '../../../contracts/ids.ts';
import type { Sql } from '../db/sql.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { WebhookEventEmitter } from '../outgoing-webhooks/event-emitter.ts';
import { channelConfigWebhookEvent } from '../outgoing-webhooks/resource-events.ts';
import type { ConfigUpdatePublisher } from './kafka.ts';
import { getChannelConfig, updateChannelConfig } from './store.ts';

export interface ChannelConfigRoutesDeps {
  sql: Sql;
  /** Announces each committed update on `config-updates`; best-effort (a missed one shows up as a gap and a reload). */
  publisher: Pick<ConfigUpdatePublisher, 'publish'>;
  log: Logger;
  /** Told each committed update (`channel.config.updated` webhooks). */
  events?: Pick<WebhookEventEmitter, 'emit'>;
}

const ChannelParam = z.object({ id: ChannelId });

/**
 * `/v1/channels/:id/config` (mount with `app.route('/v1/channels', channelConfigRoutes(deps))`;
 * operator auth is applied by the caller). GET → `{hash, rootHash, config}`; PATCH `{base, patch}` →
 * 200 `{hash}`, 409 `{error, hash}` (hash = the latest) or 422 `{error, path}`.
 */
export function channelConfigRoutes(deps: ChannelConfigRoutesDeps): Hono {
  const { sql, log } = deps;
  const app = new Hono();

  app.get('/:id/config', validate('param', ChannelParam), async (c) => {
    const { id } = c.req.valid('param');
    const state = await getChannelConfig(sql, id);
    return c.json({ hash: state.hash, rootHash: state.rootHash, config: state.config });
  });

  app.patch('/:id/config', validate('param', ChannelParam), validate('json', ConfigUpdate), async (c) => {
    const { id } = c.req.valid('param');
    const outcome = await updateChannelConfig(sql, id, c.req.valid('json'));
    if (!outcome.ok && outcome.reason === 'conflict') {
      const message = `base is not the latest configuration of channel ${id} (latest is ${outcome.latest}): GET it, rebase the patch and retry`;
      throw new ApiError(409, message, { fields: { hash: outcome.latest } });
    }
    if (!outcome.ok) {
      throw new ApiError(422, `${outcome.path || '(root)'}: ${outcome.message}`, { fields: { path: outcome.path } });
    }
    const { state, message } = outcome;
    log.info({ event: 'channel_config_updated', channelId: id, rootHash: state.rootHash, hash: state.hash, height: state.height }, 'channel configuration updated');
    await deps.publisher.publish(message);
    await deps.events?.emit(channelConfigWebhookEvent(id, state, new Date()));
    return c.json({ hash: state.hash });
  });

  return app;
}
