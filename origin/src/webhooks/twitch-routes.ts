import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { ApiError } from '../api/errors.ts';
import type { ChannelEventPublisher } from './channel-event-publisher.ts';
import type { MessageIdStore } from './message-ids.ts';
import { conditionBroadcaster } from '../twitch-link/subscription-plan.ts';
import { channelEventFromTwitch, parseTwitchBody, TwitchChallengeBody, TwitchNotificationBody, TwitchRevocationBody } from './twitch-payload.ts';
import { checkMessageAge, TWITCH_HEADERS, TWITCH_MAX_MESSAGE_AGE_MS, verifyTwitchSignature } from './twitch-signature.ts';

/** Which channel a broadcaster's events go to, and what Twitch says about the subscriptions (twitch-link/link-rows.ts over the DB). */
export interface TwitchLinkRegistry {
  /** The linked channel, or null: the event reaches no room and is dropped (counted). */
  channelOf(broadcasterId: string): Promise<string | null>;
  /** Twitch's challenge for this subscription was answered. */
  verified(subscription: { id: string; type: string; version: string; broadcasterId: string }): Promise<unknown>;
  /** Twitch revoked this subscription (`status` says why); the channel's link is then broken. */
  revoked(subscriptionId: string, status: string): Promise<{ channelId: string } | null>;
}

/** What the webhook did since the origin started (`GET /v1/twitch/stats`). */
export interface TwitchWebhookCounters {
  published: number;
  /** Notifications of a broadcaster no channel is linked to: acknowledged, not published. */
  unlinkedDropped: number;
  duplicates: number;
  verified: number;
  revoked: number;
}

export const newTwitchWebhookCounters = (): TwitchWebhookCounters => ({ published: 0, unlinkedDropped: 0, duplicates: 0, verified: 0, revoked: 0 });

export interface TwitchWebhookDeps {
  /** The secret given to Twitch when the subscriptions were created (TWITCH_EVENTSUB_SECRET). */
  secret: string;
  messageIds: MessageIdStore;
  publisher: Pick<ChannelEventPublisher, 'publish'>;
  links: TwitchLinkRegistry;
  counters?: TwitchWebhookCounters;
  log: Logger;
  now?: () => number;
  maxAgeMs?: number;
  /** Twitch notifications are a few KiB; anything far bigger is not from Twitch (default 256 KiB). */
  maxBodyBytes?: number;
}

const source = 'twitch';

/**
 * `POST /` (mounted at `/v1/webhooks/twitch`): Twitch's EventSub webhook transport. Not behind the
 * operator token — Twitch proves itself with the HMAC signature, checked before anything else.
 */
export function twitchWebhookRoutes(deps: TwitchWebhookDeps): Hono {
  if (deps.secret.length < 10 || deps.secret.length > 100) {
    throw new Error('TWITCH_EVENTSUB_SECRET must be 10-100 characters (Twitch refuses other lengths when a subscription is created)');
  }
  const { log, links } = deps;
  const counters = deps.counters ?? newTwitchWebhookCounters();
  const now = deps.now ?? Date.now;
  const maxBodyBytes = deps.maxBodyBytes ?? 256 * 1024;
  const app = new Hono();

  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new ApiError(413, `a webhook body is limited to ${maxBodyBytes / 1024} KiB`);
    },
  });

  app.post('/', limit, async (c) => {
    const header = (name: string) => c.req.header(name)?.trim() ?? '';
    const messageId = header(TWITCH_HEADERS.messageId);
    const timestamp = header(TWITCH_HEADERS.timestamp);
    const signature = header(TWITCH_HEADERS.signature);
    const messageType = header(TWITCH_HEADERS.type);
    const missing = [TWITCH_HEADERS.messageId, TWITCH_HEADERS.timestamp, TWITCH_HEADERS.signature, TWITCH_HEADERS.type].filter((name) => !header(name));
    if (missing.length > 0) throw refuse(c, `not a signed Twitch EventSub message: missing ${missing.join(', ')}`);

    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    if (!verifyTwitchSignature(deps.secret, { messageId, timestamp, rawBody, signature })) {
      throw refuse(c, 'signature does not match: the message was not signed with this origin\'s TWITCH_EVENTSUB_SECRET');
    }
    const age = checkMessageAge(timestamp, now(), deps.maxAgeMs ?? TWITCH_MAX_MESSAGE_AGE_MS);
    if (!age.ok) throw refuse(c, age.reason, messageId);
    if (messageId.length > 100) throw refuse(c, 'message id is longer than 100 characters', messageId.slice(0, 100));

    const ids = { messageId, messageType, subscriptionType: header(TWITCH_HEADERS.subscriptionType), retry: header(TWITCH_HEADERS.retry) || undefined };
    switch (messageType) {
      case 'webhook_callback_verification': {
        const body = parseTwitchBody(TwitchChallengeBody, rawBody);
        if (!body.ok) throw new ApiError(400, `verification request unreadable: ${body.reason}`);
        const { subscription } = body.value;
        const broadcasterId = conditionBroadcaster(subscription.condition);
        // Best effort: the answer to the challenge is what Twitch waits for, the status here is for operators.
        const channelId = broadcasterId ? await links.verified({ id: subscription.id, type: subscription.type, version: subscription.version, broadcasterId }).catch(() => null) : null;
        counters.verified += 1;
        log.info({ event: 'twitch_subscription_verified', ...ids, subscriptionId: subscription.id, broadcasterId, channelId }, 'answered the Twitch subscription challenge');
        return c.text(body.value.challenge, 200, { 'content-type': 'text/plain; charset=utf-8' });
      }
      case 'revocation': {
        const body = parseTwitchBody(TwitchRevocationBody, rawBody);
        const subscription = body.ok ? body.value.subscription : undefined;
        const marked = subscription ? await links.revoked(subscription.id, subscription.status ?? 'revoked') : null;
        counters.revoked += 1;
        log.warn(
          { event: 'twitch_subscription_revoked', ...ids, subscriptionId: subscription?.id, status: subscription?.status, condition: subscription?.condition, channelId: marked?.channelId ?? null },
          marked ? 'Twitch revoked a subscription: the channel\'s link is broken (vora channels show says so); unlink and link again' : 'Twitch revoked a subscription no channel holds',
        );
        return c.body(null, 204);
      }
      case 'notification':
        return notification(c, rawBody, age.at, ids);
      default:
        log.warn({ event: 'twitch_message_unknown_type', ...ids }, 'Twitch message of an unknown type acknowledged and ignored');
        return c.body(null, 204);
    }
  });

  async function notification(c: Context, rawBody: Uint8Array, at: Date, ids: { messageId: string } & Record<string, unknown>): Promise<Response> {
    if (!(await deps.messageIds.claim(source, ids.messageId))) {
      counters.duplicates += 1;
      log.info({ event: 'twitch_message_duplicate', ...ids }, 'Twitch resent a message already handled; acknowledged, not published again');
      return c.body(null, 204);
    }
    // Signed by Twitch, so a body we cannot use is our limitation: acknowledge it (a resend would not help) and say so.
    const body = parseTwitchBody(TwitchNotificationBody, rawBody);
    const event = body.ok ? channelEventFromTwitch(ids.messageId, at, body.value) : body;
    if (!event.ok) {
      log.warn({ event: 'twitch_notification_ignored', ...ids, reason: event.reason }, 'Twitch notification acknowledged but not published');
      return c.body(null, 204);
    }
    let channelId: string | null;
    try {
      channelId = await links.channelOf(event.value.broadcasterId);
      if (channelId !== null) await deps.publisher.publish({ ...event.value, channelId });
    } catch (error) {
      await deps.messageIds.release(source, ids.messageId).catch(() => {});
      log.error({ event: 'twitch_notification_unpublished', ...ids, cause: (error as Error).message }, 'a Twitch notification could not be published (database or Kafka); answering 503 so Twitch resends it');
      throw new ApiError(503, 'channel events are unavailable; resend later');
    }
    if (channelId === null) {
      counters.unlinkedDropped += 1;
      log.warn(
        { event: 'twitch_event_unlinked', ...ids, type: event.value.type, broadcasterId: event.value.broadcasterId, unlinkedDropped: counters.unlinkedDropped },
        'Twitch event of a broadcaster no channel is linked to: dropped (vora channels link-twitch CHANNEL --login NAME links one)',
      );
      return c.body(null, 204);
    }
    counters.published += 1;
    log.info({ event: 'twitch_notification_published', ...ids, eventId: event.value.id, type: event.value.type, broadcasterId: event.value.broadcasterId, channelId }, 'Twitch notification published on channel-events');
    return c.body(null, 204);
  }

  function refuse(c: Context, reason: string, messageId?: string): ApiError {
    log.warn({ event: 'twitch_message_refused', messageId, reason, ip: c.req.header('x-forwarded-for') }, 'Twitch webhook refused');
    return new ApiError(403, reason);
  }

  return app;
}
