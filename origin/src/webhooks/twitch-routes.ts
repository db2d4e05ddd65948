import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { ApiError } from '../api/errors.ts';
import type { ChannelEventPublisher } from './channel-event-publisher.ts';
import type { MessageIdStore } from './message-ids.ts';
import { channelEventFromTwitch, parseTwitchBody, TwitchChallengeBody, TwitchNotificationBody, TwitchRevocationBody } from './twitch-payload.ts';
import { checkMessageAge, TWITCH_HEADERS, TWITCH_MAX_MESSAGE_AGE_MS, verifyTwitchSignature } from './twitch-signature.ts';

export interface TwitchWebhookDeps {
  /** The secret given to Twitch when the subscriptions were created (TWITCH_EVENTSUB_SECRET). */
  secret: string;
  messageIds: MessageIdStore;
  publisher: Pick<ChannelEventPublisher, 'publish'>;
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
  const { log } = deps;
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
        log.info({ event: 'twitch_subscription_verified', ...ids, subscriptionId: body.value.subscription.id }, 'answered the Twitch subscription challenge');
        return c.text(body.value.challenge, 200, { 'content-type': 'text/plain; charset=utf-8' });
      }
      case 'revocation': {
        const body = parseTwitchBody(TwitchRevocationBody, rawBody);
        const subscription = body.ok ? body.value.subscription : undefined;
        log.warn({ event: 'twitch_subscription_revoked', ...ids, subscriptionId: subscription?.id, status: subscription?.status, condition: subscription?.condition }, 'Twitch revoked a subscription; recreate it to receive its events again');
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
    try {
      await deps.publisher.publish(event.value);
    } catch (error) {
      await deps.messageIds.release(source, ids.messageId).catch(() => {});
      log.error({ event: 'twitch_notification_unpublished', ...ids, cause: (error as Error).message }, 'Kafka refused a Twitch notification; answering 503 so Twitch resends it');
      throw new ApiError(503, 'channel events are unavailable (Kafka); resend later');
    }
    log.info({ event: 'twitch_notification_published', ...ids, eventId: event.value.id, type: event.value.type, broadcasterId: event.value.broadcasterId }, 'Twitch notification published on channel-events');
    return c.body(null, 204);
  }

  function refuse(c: Context, reason: string, messageId?: string): ApiError {
    log.warn({ event: 'twitch_message_refused', messageId, reason, ip: c.req.header('x-forwarded-for') }, 'Twitch webhook refused');
    return new ApiError(403, reason);
  }

  return app;
}
