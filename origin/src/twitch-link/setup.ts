import type { Logger } from 'pino';
import type { OriginConfig } from '../config.ts';
import type { Sql } from '../db/sql.ts';
import { ApiError } from '../api/errors.ts';
import { appTokenSource } from './app-token.ts';
import { helixClient } from './helix.ts';
import { getTwitchLink } from './link-rows.ts';
import { unlinkTwitch, type TwitchLinkDeps } from './link-twitch.ts';

/** What linking needs from the configuration, or the variables that are missing (linking then answers 503 naming them). */
export function twitchLinkSetup(config: OriginConfig, deps: { sql: Sql; log: Logger }): TwitchLinkDeps | { missing: string[] } {
  const { TWITCH_CLIENT_ID: clientId, TWITCH_CLIENT_SECRET: clientSecret, TWITCH_EVENTSUB_SECRET: secret } = config;
  if (!clientId || !clientSecret || !secret) {
    const missing = Object.entries({ TWITCH_CLIENT_ID: clientId, TWITCH_CLIENT_SECRET: clientSecret, TWITCH_EVENTSUB_SECRET: secret }).filter(([, value]) => !value).map(([name]) => name);
    return { missing };
  }
  const tokens = appTokenSource({ tokenUrl: config.TWITCH_TOKEN_URL, clientId, clientSecret });
  return {
    sql: deps.sql,
    log: deps.log,
    helix: helixClient({ helixUrl: config.TWITCH_HELIX_URL, clientId, tokens }),
    callback: config.TWITCH_EVENTSUB_CALLBACK ?? `${config.publicUrl}/v1/webhooks/twitch`,
    secret,
  };
}

/** A channel about to be deleted loses its Twitch link first, so no subscription at Twitch outlives it. */
export function unlinkBeforeDelete(setup: TwitchLinkDeps | { missing: string[] }, sql: Sql) {
  return async (channelId: string): Promise<void> => {
    if (!(await getTwitchLink(sql, channelId))) return;
    if ('missing' in setup) throw new ApiError(503, `channel ${channelId} is linked to Twitch, and unlinking needs ${setup.missing.join(', ')}: set them, or the subscriptions would outlive the channel`, { code: 'twitch_not_configured' });
    const outcome = await unlinkTwitch(setup, channelId);
    if (!outcome.ok) throw new ApiError(502, `channel ${channelId} is kept: ${outcome.message}`, { code: outcome.reason });
  };
}
